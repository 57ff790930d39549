// `npm run chat -- "question"`: one turn, streamed to the terminal. Without a question: an
// interactive session that keeps the conversation. Ctrl-C stops the answer being streamed.
// Client-side settings: RUNTIME_URL (default http://localhost:8080), RUNTIME_TOKEN (a JWT),
// RUNTIME_USER (the user a development token is signed for when RUNTIME_TOKEN is unset).
import { randomUUID } from 'node:crypto';
import { createInterface, type Interface } from 'node:readline/promises';
import { describeFailure, runTurn, type Outcome, type TurnOptions } from './chat-session.ts';
import { resolveToken } from './dev-token.ts';
import { createEventPrinter } from './event-printer.ts';
import { createRuntimeClient, type ChatMessage } from './runtime-client.ts';

const EXIT: Record<Outcome, number> = { done: 0, error: 1, aborted: 130 };

/** A question on the terminal; Ctrl-C (the turn's signal) or an input that ended gives `undefined`. */
const asker = (rl: Interface): TurnOptions['ask'] => (question, signal) =>
  new Promise((resolve) => {
    const closed = () => resolve(undefined);
    rl.once('close', closed);
    Promise.resolve()
      .then(() => rl.question(question, { signal }))
      .then(resolve, closed)
      .finally(() => rl.off('close', closed));
  });

async function main(): Promise<number> {
  const baseUrl = process.env.RUNTIME_URL || 'http://localhost:8080';
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const printer = createEventPrinter({ out: process.stdout, err: process.stderr, color, baseUrl });
  const token = await resolveToken(process.env, { notice: (line) => printer.note(line) });
  if (!token) {
    printer.note('Error: set RUNTIME_TOKEN to a JWT for the runtime (sub = your user id), or start the server once in development so .data/secrets.json exists.', true);
    return 1;
  }
  const client = createRuntimeClient({ baseUrl, token });
  let current: AbortController | undefined;
  const conversationId = randomUUID();
  const turn = (messages: ChatMessage[], ask?: TurnOptions['ask']) => {
    current = new AbortController();
    return runTurn(client, messages, printer, { signal: current.signal, ask, conversationId }).finally(() => (current = undefined));
  };
  const question = process.argv.slice(2).join(' ').trim();

  if (question) {
    // Approvals are asked for only when a person is at the terminal.
    const rl = process.stdin.isTTY ? createInterface({ input: process.stdin, output: process.stdout }) : undefined;
    const interrupt = () => (current && !current.signal.aborted ? current.abort() : process.exit(130));
    rl?.on('SIGINT', interrupt);
    process.on('SIGINT', interrupt);
    const outcome = await turn([{ role: 'user', content: question }], rl && asker(rl));
    rl?.close();
    return EXIT[outcome];
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
      await turn([...history, { role: 'user', content }], asker(rl));
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
