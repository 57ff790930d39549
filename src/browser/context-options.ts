import type { EgressProxy } from './egress-proxy.ts';
import type { StorageState } from './storage-state.ts';

/** Every page is this size: what the screenshot shows and what the live view maps clicks onto. */
export const VIEWPORT = { width: 1280, height: 800 } as const;

/** Options every browser context gets: fixed viewport, no downloads, no service workers, its own proxy. */
export function contextOptions(proxy: EgressProxy, storageState?: StorageState) {
  return {
    viewport: VIEWPORT, deviceScaleFactor: 1, acceptDownloads: false, serviceWorkers: 'block' as const, locale: 'en-US',
    proxy: { server: proxy.url }, ...(storageState ? { storageState } : {}),
  };
}
