import type { BrowserContext } from 'playwright-core';
import type { Logger } from '../log.ts';
import type { DataCentreCode, HostOverrides } from '../zoho/data-centres.ts';
import type { Chromium } from './chromium.ts';
import { contextOptions } from './context-options.ts';
import { egressPolicyFor } from './egress-policy.ts';
import { startEgressProxy, type EgressProxy } from './egress-proxy.ts';
import type { StorageState } from './storage-state.ts';

/**
 * A user's browser context: their stored Zoho web session loaded into it, and an egress proxy of
 * its own with the policy of their DC, which every request of the context goes through. Popups
 * (window.open, target=_blank) are closed at once: no call looks at them.
 */
export async function openUserContext(
  deps: { chromium: Chromium; overrides: HostOverrides; logger: Logger },
  who: { userId: string; dc: DataCentreCode },
  state: StorageState,
): Promise<{ context: BrowserContext; proxy: EgressProxy }> {
  const proxy = await startEgressProxy({
    policy: egressPolicyFor(who.dc, deps.overrides, 'browse'),
    onRefused: (target, reason) => deps.logger.warn('browser.egress_refused', { userId: who.userId, target, reason }),
  });
  try {
    const context = await (await deps.chromium.browser()).newContext(contextOptions(proxy, state));
    context.on('page', (page) => void page.opener().then((opener) => opener && page.close()).catch(() => {}));
    return { context, proxy };
  } catch (error) {
    await proxy.close();
    throw error;
  }
}
