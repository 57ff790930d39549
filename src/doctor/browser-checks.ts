import { findChromium } from '../browser/find-chromium.ts';
import type { Config } from '../config.ts';
import { fail, pass, skip, type CheckLine } from './check-line.ts';

const NAME = 'browser tools (Chromium)';

/**
 * Whether browser_navigate_and_screenshot is offered: the Chromium it drives is found. Without one
 * the tool is only not offered, so a default that finds nothing is a skipped line with the fix; a
 * BROWSER_EXECUTABLE_PATH that was set and is wrong is a failure.
 */
export function checkBrowser(browser: Config['browser'], explicitlySet: boolean): CheckLine {
  const found = findChromium(browser.executable, browser.searchPath);
  if (found.ok) return pass(NAME, `${found.path}; browser_navigate_and_screenshot is offered`);
  if (explicitlySet) return fail(NAME, `${found.reason}; browser_navigate_and_screenshot is not offered`, found.fix);
  return skip(NAME, `not offered: ${found.reason}; to offer it, ${found.fix}`);
}
