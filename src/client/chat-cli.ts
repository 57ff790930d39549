// `npm run chat -- "question"`: one turn, streamed to the terminal. Without a question: an
// interactive session that keeps the conversation. Ctrl-C stops the answer being streamed.
// Client-side settings: RUNTIME_URL (default http://localhost:8080), RUNTIME_TOKEN (a JWT),
// RUNTIME_USER (the user a development token is signed for when RUNTIME_TOKEN is unset).
import { createInterface } from 'node:readline';
import { resolveToken } from './dev-token.ts';
import { createEventPrinter } from './event-printer.ts';
import { createRuntimeClient, type ChatMessage, type RuntimeClient } from './runtime-client.ts';
import { RuntimeClientError } from './runtime-client-error.ts';

type Outcome = 'done' | 'error' | 'aborted';
type Printer = ReturnType<typeof createEventPrinter>;

const EXIT: Record<Outcome, number> = { done: 0, error: 1, aborted: 130 };

/** Streams one chat turn to the printer; a refused request or a broken stream is printed, not thrown. */
async function runTurn(client: RuntimeClient, messages: ChatMessage[], signal: AbortSignal, printer: Printer): Promise<Outcome> {
  try {
    for await (const event of client.chat({ messages }, { signal })) {
      printer.print(event);
      if (event.type === 'done') return 'done';
      if (event.type === 'error') return 'error';
    }
  } catch (error) {
    printer.note(describeFailure(error), true);
    return 'error';
  }
  printer.note('(stopped)');
  return 'aborted';
}

function describeFailure(error: unknown): string {
  if (!(error instanceof RuntimeClientError)) return `Error: ${(error as Error)?.message ?? String(error)}`;
  const hint = {
    UNAUTHORIZED: ' Check RUNTIME_TOKEN (a JWT signed with the server\'s AUTH_JWT_SECRET).',
    NETWORK_ERROR: ' Is the runtime running? Set RUNTIME_URL if it listens elsewhere.',
  }[error.code] ?? '';
  return `Error: ${error.message} [${error.code}]${hint}`;
}

async function main(): Promise<number> {
  const baseUrl = process.env.RUNTIME_URL || 'http://localhost:8080';
  const printer = createEventPrinter({ out: process.stdout, err: process.stderr, color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, baseUrl });
  const token = await resolveToken(process.env, { notice: (line) => printer.note(line) });
  if (!token) {
    printer.note('Error: set RUNTIME_TOKEN to a JWT for the runtime (sub = your user id), or start the server once in development so .data/secrets.json exists.', true);
    return 1;
  }
  const client = createRuntimeClient({ baseUrl, token });
  let current: AbortController | undefined;
  const question = process.argv.slice(2).join(' ').trim();

  if (question) {
    process.on('SIGINT', () => (current?.signal.aborted === false ? current.abort() : process.exit(130)));
    current = new AbortController();
    return EXIT[await runTurn(client, [{ role: 'user', content: question }], current.signal, printer)];
  }

  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const interrupt = () => (current && !current.signal.aborted ? current.abort() : rl.close());
  rl.on('SIGINT', interrupt);
  process.on('SIGINT', interrupt);
  const history: ChatMessage[] = [];
  printer.note(`Chatting with ${baseUrl}. Ctrl-C stops an answer; Ctrl-D (or Ctrl-C at the prompt) quits.`);
  rl.setPrompt('> ');
  rl.prompt();
  for await (const line of rl) {
    const content = line.trim();
    if (content) {
      current = new AbortController();
      await runTurn(client, [...history, { role: 'user', content }], current.signal, printer);
      current = undefined;
      printer.endLine();
      // Keep the turn only when there is an answer to pair it with.
      if (printer.text) history.push({ role: 'user', content }, { role: 'assistant', content: printer.text });
      printer.reset();
    }
    rl.prompt();
  }
  return 0;
}

main().then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: unknown) => {
    process.stderr.write(`${describeFailure(error)}\n`);
    process.exit(1);
  },
);
