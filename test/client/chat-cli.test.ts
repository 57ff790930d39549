import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startChatRig, type ChatRig } from '../support/chat-rig.ts';
import type { FakeOpenRouter } from '../support/fake-openrouter.ts';
import type { FakeZoho } from '../support/fake-zoho.ts';
import type { serveApp } from '../support/serve.ts';
import type { TestRuntime } from '../support/test-runtime.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Starts the CLI as a user would, with only the client-side environment; `waitFor` watches stdout. */
function startCli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/client/chat-cli.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const watchers: Array<() => void> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    for (const w of [...watchers]) w();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return {
    exited,
    interrupt: () => child.kill('SIGINT'),
    type: (line: string) => child.stdin.write(`${line}\n`),
    end: () => child.stdin.end(),
    /** Resolves once stdout holds `text` `times` times. */
    waitFor: (text: string, times = 1) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (stdout.split(text).length > times) {
            watchers.splice(watchers.indexOf(check), 1);
            resolve();
          }
        };
        watchers.push(check);
        check();
      }),
  };
}

function runCli(args: string[], env: Record<string, string>) {
  const cli = startCli(args, env);
  cli.end();
  return cli.exited;
}

describe('npm run chat', () => {
  let fake: FakeZoho;
  let llm: FakeOpenRouter;
  let t: TestRuntime;
  let server: Awaited<ReturnType<typeof serveApp>>;
  const envFor = async (user: string) => ({ RUNTIME_URL: server.url, RUNTIME_TOKEN: await t.tokenFor(user) });

  let rig: ChatRig;

  beforeAll(async () => {
    rig = await startChatRig();
    ({ zoho: fake, llm, t, server } = rig);
  });
  afterAll(() => rig.close());
  beforeEach(() => llm.reset());

  it('prints the Zoho call on its own line before the streamed answer and exits 0', async () => {
    llm.script({ toolCalls: [{ name: 'crm_get_org', arguments: {} }] }, { text: ['Your org is ', 'Fake Corp.'] });
    const { code, stdout, stderr } = await runCli(['Which org am I in?'], await envFor('alice'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines).toContain('Calling Zoho tool: crm_get_org...');
    expect(lines).toContain('  crm_get_org: ok (1 attempt)');
    expect(stdout.indexOf('Calling Zoho tool: crm_get_org...')).toBeLessThan(stdout.indexOf('Your org is Fake Corp.'));
    expect(llm.requests[0]?.body.messages.at(-1)).toMatchObject({ role: 'user', content: 'Which org am I in?' });
  });

  it('shows what the user must do when Zoho is not connected', async () => {
    llm.script({ text: 'Please connect Zoho first.' });
    const { code, stdout } = await runCli(['List my leads'], await envFor('bob'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Action required: .+$/m);
    expect(stdout).toContain(`POST ${server.url}/api/connections/zoho`);
    expect(stdout).toContain('Please connect Zoho first.');
  });

  it('says in plain words why the run failed and exits 1', async () => {
    llm.script({ error: { status: 402, message: 'Insufficient credits' } });
    const { code, stderr } = await runCli(['Hello'], await envFor('alice'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Error: .+ \[LLM_ERROR\]$/m);
  });

  it('exits 1 naming the token when the runtime refuses it', async () => {
    const { code, stderr } = await runCli(['Hello'], { RUNTIME_URL: server.url, RUNTIME_TOKEN: 'expired' });
    expect(code).toBe(1);
    expect(stderr).toContain('[UNAUTHORIZED]');
    expect(stderr).toContain('RUNTIME_TOKEN');
  });

  it('stops the streamed answer on Ctrl-C, which aborts the LLM request, and exits 130', async () => {
    llm.script([{ text: ['Counting: one', ' two', ' three', ' four'] }, { chunkDelayMs: 500 }]);
    const cli = startCli(['Count slowly.'], await envFor('alice'));
    await cli.waitFor('Counting: one');
    cli.interrupt();
    const { code, stdout } = await cli.exited;
    expect(code).toBe(130);
    expect(stdout).toBe('Counting: one\n(stopped)\n');
    expect(await llm.waitForAbort(0)).toBe(true);
  });

  it('keeps the conversation in an interactive session', async () => {
    llm.script({ text: 'Hello Ada.' }, { text: 'You said hi.' });
    const cli = startCli([], await envFor('alice'));
    await cli.waitFor('> ');
    cli.type('Hi, I am Ada.');
    await cli.waitFor('> ', 2);
    cli.type('What did I say?');
    await cli.waitFor('> ', 3);
    cli.end();
    const { code, stdout } = await cli.exited;
    expect(code).toBe(0);
    expect(stdout).toContain('Hello Ada.\n');
    expect(llm.requests[1]?.body.messages.filter((m: { role: string }) => m.role !== 'system')).toEqual([
      { role: 'user', content: 'Hi, I am Ada.' },
      { role: 'assistant', content: 'Hello Ada.' },
      { role: 'user', content: 'What did I say?' },
    ]);
  });

  it('asks before a write runs and resumes the run with the answer', async () => {
    llm.script({ toolCalls: [{ name: 'crm_create_record', arguments: { module: 'Leads', record: { Last_Name: 'Lovelace' } } }] }, { text: 'Created the lead.' });
    const cli = startCli([], await envFor('alice'));
    await cli.waitFor('> ');
    cli.type('Add a lead Lovelace.');
    await cli.waitFor('Approve? [y/N] ');
    cli.type('y');
    await cli.waitFor('> ', 2);
    cli.end();
    const { code, stdout } = await cli.exited;
    expect(code).toBe(0);
    expect(stdout).toMatch(/Approval needed: Create a Leads record.+$/m); // after the prompt: piped input is not echoed
    expect(stdout.indexOf('Approve? [y/N] ')).toBeLessThan(stdout.indexOf('Calling Zoho tool: crm_create_record...'));
    expect(stdout).toContain('  crm_create_record: ok (1 attempt)');
    expect(stdout).toContain('Created the lead.');
  });
});
