import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { z } from 'zod';
import type { Logger } from '../log.ts';
import { VIEWPORT } from './context-options.ts';

/** One picture of the headless page: a JPEG (base64) and the viewport size it shows, in CSS pixels. */
export interface Frame {
  data: string;
  width: number;
  height: number;
}

const x = z.number().min(0).max(VIEWPORT.width);
const y = z.number().min(0).max(VIEWPORT.height);
/** The named keys a user may press in the live view; everything printable arrives as `text`. */
export const LIVE_KEYS = [
  'Enter', 'Tab', 'Shift+Tab', 'Backspace', 'Delete', 'Escape', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown',
  'Home', 'End', 'PageUp', 'PageDown', 'Control+a', 'Meta+a',
] as const;

/** What the live-view page sends: clicks, moves, wheel turns, keys and typed text, in viewport coordinates. */
export const liveInputSchema = z.object({
  events: z.array(z.discriminatedUnion('type', [
    z.object({ type: z.literal('click'), x, y, button: z.enum(['left', 'right', 'middle']).default('left'), clickCount: z.number().int().min(1).max(3).default(1) }).strict(),
    z.object({ type: z.literal('move'), x, y }).strict(),
    z.object({ type: z.literal('wheel'), x, y, dx: z.number().min(-5000).max(5000), dy: z.number().min(-5000).max(5000) }).strict(),
    z.object({ type: z.literal('key'), key: z.enum(LIVE_KEYS) }).strict(),
    z.object({ type: z.literal('text'), text: z.string().min(1).max(512) }).strict(),
  ])).min(1).max(100),
}).strict();

export type LiveInput = z.infer<typeof liveInputSchema>['events'][number];

export interface LiveView {
  /** Sends frames to one viewer (a newer viewer replaces it); `onFrame` resolving is the flow control. Returns the unsubscribe. */
  subscribe(onFrame: (frame: Frame) => Promise<void>, onReplaced: () => void): () => void;
  /** Forwards input to the page on screen, in order. What was typed is never kept or logged. */
  input(events: LiveInput[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The live view of a login handover: Chrome DevTools screencast frames of the page on screen (the
 * newest open page, so a sign-in popup shows), and the user's clicks and keys forwarded to it.
 * A frame is acknowledged only once the viewer took it, so a slow viewer gets fewer frames, never a queue.
 */
export function createLiveView(context: BrowserContext, first: Page, logger: Logger): LiveView {
  const pages: Page[] = [first];
  let viewer: { onFrame: (frame: Frame) => Promise<void>; onReplaced: () => void } | undefined;
  let cast: { page: Page; cdp: CDPSession } | undefined;
  let chain = Promise.resolve();
  let closed = false;

  const onScreen = () => pages.at(-1);

  async function stopCast(): Promise<void> {
    const old = cast;
    cast = undefined;
    if (old) await old.cdp.detach().catch(() => {});
  }

  async function startCast(): Promise<void> {
    await stopCast();
    const page = onScreen();
    if (!viewer || !page || closed) return;
    const cdp = await context.newCDPSession(page);
    cast = { page, cdp };
    cdp.on('Page.screencastFrame', ({ data, metadata, sessionId }) => {
      const deliver = viewer?.onFrame({ data, width: Math.round(metadata.deviceWidth), height: Math.round(metadata.deviceHeight) }) ?? Promise.resolve();
      void deliver.catch(() => {}).then(() => cdp.send('Page.screencastFrameAck', { sessionId }).catch(() => {}));
    });
    await cdp.send('Page.startScreencast', { format: 'jpeg', quality: 60, maxWidth: VIEWPORT.width, maxHeight: VIEWPORT.height, everyNthFrame: 1 });
    // A page that does not repaint sends no frame: show what is there now.
    const still = await page.screenshot({ type: 'jpeg', quality: 60, timeout: 5000 }).catch(() => undefined);
    if (still && viewer) await viewer.onFrame({ data: still.toString('base64'), width: VIEWPORT.width, height: VIEWPORT.height }).catch(() => {});
  }

  const track = (page: Page) => {
    page.once('close', () => {
      const i = pages.indexOf(page);
      if (i >= 0) pages.splice(i, 1);
      if (cast?.page === page) void startCast().catch(() => {});
    });
  };
  track(first);
  context.on('page', (page) => {
    pages.push(page);
    track(page);
    void startCast().catch(() => {});
  });

  async function apply(page: Page, event: LiveInput): Promise<void> {
    switch (event.type) {
      case 'click':
        return page.mouse.click(event.x, event.y, { button: event.button, clickCount: event.clickCount });
      case 'move':
        return page.mouse.move(event.x, event.y);
      case 'wheel':
        await page.mouse.move(event.x, event.y);
        return page.mouse.wheel(event.dx, event.dy);
      case 'key':
        return page.keyboard.press(event.key);
      case 'text':
        return page.keyboard.type(event.text);
    }
  }

  return {
    subscribe(onFrame, onReplaced) {
      const previous = viewer;
      const mine = { onFrame, onReplaced };
      viewer = mine;
      previous?.onReplaced();
      void startCast().catch((error) => logger.warn('browser.live_view_failed', { message: String((error as Error)?.message).split('\n')[0] }));
      return () => {
        if (viewer !== mine) return;
        viewer = undefined;
        void stopCast();
      };
    },
    input(events) {
      const run = chain.then(async () => {
        const page = onScreen();
        if (!page || closed) return;
        for (const event of events) {
          // A failed event (the page navigated under it) is dropped; its content is never logged.
          await apply(page, event).catch(() => logger.warn('browser.live_view_input_dropped', { type: event.type }));
        }
      });
      chain = run.catch(() => {});
      return run;
    },
    async close() {
      closed = true;
      viewer = undefined;
      await stopCast();
    },
  };
}
