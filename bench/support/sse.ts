// Reads an SSE body as it arrives, stamping each event with the time its bytes were read
// (performance.timeOrigin + performance.now(), the clock the fake OpenRouter's chunks carry).
import { nowMs } from './stats.ts';

export interface SseEvent {
  event: string;
  data: string;
  receivedAt: number;
}

export async function readSseTimed(response: Response, onEvent: (e: SseEvent) => void): Promise<void> {
  if (!response.body) throw new Error('no body');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const receivedAt = nowMs();
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length) onEvent({ event, data: data.join('\n'), receivedAt });
    }
  }
}
