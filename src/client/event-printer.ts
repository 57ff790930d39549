import type { RunEvent } from '../stream/events.ts';

export interface Sink {
  write(text: string): unknown;
}

export interface EventPrinterOptions {
  out: Sink;
  err: Sink;
  /** Dim the status lines (a terminal that shows colour). */
  color: boolean;
  /** Resolves a relative `action_required` url (`/api/connections/zoho`) for the user. */
  baseUrl: string;
}

/**
 * Prints a run for a person at a terminal: model text as it streams, each Zoho call and its
 * outcome on its own dimmed line, what the user must do, errors in plain words. `text` keeps the
 * answer so an interactive session can send it back as history.
 */
export function createEventPrinter(options: EventPrinterOptions) {
  const dim = (s: string) => (options.color ? `\x1b[2m${s}\x1b[22m` : s);
  let midLine = false;
  let text = '';
  const line = (s: string, sink: Sink = options.out) => {
    endLine();
    sink.write(`${s}\n`);
  };
  function endLine() {
    if (midLine) options.out.write('\n');
    midLine = false;
  }

  function print(event: RunEvent): void {
    switch (event.type) {
      case 'text':
        options.out.write(event.data.delta);
        text += event.data.delta;
        if (event.data.delta) midLine = !event.data.delta.endsWith('\n');
        return;
      case 'status':
        return line(dim(event.data.message));
      case 'tool_call':
        return; // the status line already names the call
      case 'repair':
        return line(dim(`  retrying ${event.data.tool} with repaired params (attempt ${event.data.attempt}): ${event.data.reason}`));
      case 'tool_result': {
        const tries = `${event.data.attempts} attempt${event.data.attempts === 1 ? '' : 's'}`;
        const outcome = event.data.ok ? 'ok' : `failed: ${event.data.error?.message ?? 'unknown error'}${event.data.error ? ` [${event.data.error.code}]` : ''}`;
        return line(dim(`  ${event.data.tool}: ${outcome} (${tries})`));
      }
      case 'action_required': {
        const { code, message, url, method, callId } = event.data;
        if (code === 'approval_required') return line(`Approval needed: ${message}${typeof callId === 'string' ? ` (call ${callId})` : ''}`);
        line(`Action required: ${message}`);
        if (url) line(`  ${method ?? 'GET'} ${new URL(url, options.baseUrl).href}`);
        return;
      }
      case 'error':
        return line(`Error: ${event.data.message} [${event.data.code}]`, options.err);
      case 'done':
        endLine();
        // A run cut short says why (step or time limit); a normal end needs no words.
        if (typeof event.data.message === 'string') line(dim(`(${event.data.message})`));
        return;
    }
  }

  return {
    print,
    endLine,
    /** Prints a line that is not an event (a notice, a failed request), after any half-written text. */
    note: (s: string, toErr = false) => line(toErr ? s : dim(s), toErr ? options.err : options.out),
    /** The answer's text so far. */
    get text() {
      return text;
    },
    /** Starts the next answer (interactive sessions). */
    reset() {
      endLine();
      text = '';
    },
  };
}
