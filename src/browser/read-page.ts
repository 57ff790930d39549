import type { Page } from 'playwright-core';
import { AppError } from '../errors.ts';
import { VIEWPORT } from './context-options.ts';
import type { WebOrigins } from './egress-policy.ts';

/** A screenshot is cut to this size: JPEG quality steps down until it fits. */
export const MAX_SCREENSHOT_BYTES = 1024 * 1024;
const QUALITIES = [70, 45, 25];
const SUMMARY_CHARS = 1500;

/** Where a navigation ended: the app's web UI, Zoho's sign-in (accounts host), or somewhere else. */
export function landingOf(url: string, web: WebOrigins): 'app' | 'sign_in' | 'elsewhere' {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return 'elsewhere';
  }
  if (origin === web.accounts) return 'sign_in';
  return origin === web.crm || origin === web.desk ? 'app' : 'elsewhere';
}

/** Whether the page asks for a password: Zoho's sign-in form served on the app host counts as signed out. */
export async function showsSignInForm(page: Page): Promise<boolean> {
  return (await page.locator('input[type="password"]:visible').count()) > 0;
}

/**
 * The title and the visible text, whitespace folded and cut short: one round trip to the page. Read
 * in the page's own world, so the page could make them say anything; they are data for the model
 * (wrapped as untrusted tool output), so only their type and length are checked.
 */
export async function readText(page: Page, timeoutMs: number): Promise<{ title: string; summary: string }> {
  const read = page.evaluate(() => [document.title, document.body?.innerText ?? ''] as const).catch(() => undefined);
  let expire!: () => void;
  const timeout = new Promise<undefined>((resolve) => (expire = () => resolve(undefined)));
  const timer = setTimeout(expire, timeoutMs);
  const [title, text] = (await Promise.race([read, timeout]).finally(() => clearTimeout(timer))) ?? ['', ''];
  const asText = (value: unknown, max: number) => (typeof value === 'string' ? value : '').slice(0, max);
  const folded = asText(text, 100_000).replace(/[ \t\f\v\r]+/g, ' ').replace(/\s*\n\s*/g, '\n').trim();
  const summary = folded.length > SUMMARY_CHARS ? `${folded.slice(0, SUMMARY_CHARS)} [...]` : folded;
  return { title: asText(title, 300).trim(), summary };
}

/** The viewport as JPEG (1280x800), at the best quality that fits MAX_SCREENSHOT_BYTES. */
export async function capture(page: Page, timeoutMs: () => number) {
  for (const quality of QUALITIES) {
    const bytes = await page.screenshot({ type: 'jpeg', quality, timeout: timeoutMs(), animations: 'disabled', caret: 'hide', scale: 'css' });
    if (bytes.length <= MAX_SCREENSHOT_BYTES) {
      return { mime: 'image/jpeg' as const, width: VIEWPORT.width, height: VIEWPORT.height, bytes: new Uint8Array(bytes) };
    }
  }
  throw new AppError('PAYLOAD_TOO_LARGE', `The screenshot is larger than ${MAX_SCREENSHOT_BYTES / 1024} KB even at low quality.`);
}
