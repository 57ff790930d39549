import type { Browser } from 'playwright-core';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { DENY_ALL } from './egress-policy.ts';
import { startEgressProxy, type EgressProxy } from './egress-proxy.ts';

/**
 * Flags for a headless Chromium on a closed network: no background traffic of its own (updates,
 * sync, QUIC, DNS prefetch), WebRTC never sends UDP outside the proxy.
 */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--dns-prefetch-disable', '--disable-extensions', '--mute-audio',
  // This spelling is the one Chromium 156 obeys (tested: --force-webrtc-ip-handling-policy still sends STUN).
  '--webrtc-ip-handling-policy=disable_non_proxied_udp',
];

export interface Chromium {
  /** The running browser, launched on first use and again after it died. */
  browser(): Promise<Browser>;
  /** Whether a browser process is running now (for stats and tests). */
  readonly running: boolean;
  close(): Promise<void>;
}

/**
 * One headless Chromium per instance (playwright-core). Its browser-wide proxy lets nothing through:
 * only contexts given a proxy of their own (one per context, with that user's policy) reach anything.
 */
export function createChromium(options: { executablePath: string; logger: Logger }): Chromium {
  let launching: Promise<{ browser: Browser; deny: EgressProxy }> | undefined;
  let current: { browser: Browser; deny: EgressProxy } | undefined;

  async function launch(): Promise<{ browser: Browser; deny: EgressProxy }> {
    const deny = await startEgressProxy({ policy: DENY_ALL });
    try {
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: options.executablePath,
        headless: true,
        args: CHROMIUM_ARGS,
        proxy: { server: deny.url },
        timeout: 30_000,
      });
      browser.on('disconnected', () => {
        if (current?.browser !== browser) return;
        options.logger.warn('browser.disconnected', {});
        current = undefined;
        launching = undefined;
        void deny.close();
      });
      options.logger.info('browser.launched', { version: browser.version() });
      return { browser, deny };
    } catch (error) {
      await deny.close();
      options.logger.error('browser.launch_failed', { message: firstLine(error) });
      throw new AppError('BROWSER_UNAVAILABLE', 'Chromium could not start on the server.', { details: { reason: 'launch_failed' }, cause: error });
    }
  }

  return {
    async browser() {
      if (current?.browser.isConnected()) return current.browser;
      launching ??= launch().then(
        (started) => (current = started),
        (error) => {
          launching = undefined;
          throw error;
        },
      );
      return (await launching).browser;
    },
    get running() {
      return current?.browser.isConnected() ?? false;
    },
    async close() {
      const started = current ?? (launching ? await launching.catch(() => undefined) : undefined);
      current = undefined;
      launching = undefined;
      if (!started) return;
      await started.browser.close().catch(() => {});
      await started.deny.close();
    },
  };
}

const firstLine = (error: unknown) => String((error as Error)?.message ?? error).split('\n')[0]!.slice(0, 300);
