/** One SSE event as the wire has it: its `id:` (absent on a connection's own final event), type and data. */
export interface WireEvent {
  id?: string;
  event: string;
  data: any;
}

function parseBlock(block: string): WireEvent {
  const lines = block.split('\n');
  const id = lines.find((l) => l.startsWith('id:'))?.slice(3).trim();
  const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim() ?? 'message';
  const data = JSON.parse(lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n'));
  return id === undefined ? { event, data } : { id, event, data };
}

/**
 * Reads whole SSE events (comments skipped) from a streaming body until `enough` says so or the body
 * ends; a half-received event is never counted, as a browser would not dispatch it.
 */
export async function readEventsUntil(response: Response, enough: (events: WireEvent[]) => boolean = () => false): Promise<WireEvent[]> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: WireEvent[] = [];
  let buffer = '';
  try {
    while (!enough(events)) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) break;
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0 && !enough(events)) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (block.trim() && !block.startsWith(':')) events.push(parseBlock(block));
      }
    }
  } finally {
    reader.releaseLock();
  }
  return events;
}

export const readAllEvents = (response: Response) => readEventsUntil(response);

/** The seq of an `id: <runId>:<seq>`. */
export const seqOf = (event: WireEvent) => Number(event.id!.split(':')[1]);
export const isFinal = (event: WireEvent) => event.event === 'done' || event.event === 'error';
