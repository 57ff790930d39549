import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWatchedSockets } from '../../src/db/watched-socket.ts';

/** A server that echoes every chunk, unless the chunk says "mute": then it reads and never answers. */
async function startServer() {
  const server = net.createServer((s) => s.on('data', (d) => { if (!String(d).includes('mute')) s.write(d); }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const closed = (s: net.Socket) => new Promise<Error | undefined>((resolve) => {
  let error: Error | undefined;
  s.on('error', (e) => (error = e));
  s.on('close', () => resolve(error));
});

describe('watched sockets', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const sockets = createWatchedSockets({ answerTimeoutMs: 300, sweepMs: 20 });
  beforeAll(async () => (server = await startServer()));
  afterAll(async () => {
    sockets.stop();
    await server.close();
  });
  const open = () => sockets.socket({ host: ['127.0.0.1'], port: [server.port] });

  it('drops a socket whose bytes get no answer, with ETIMEDOUT', async () => {
    const s = open();
    const done = closed(s);
    s.write('mute');
    const started = Date.now();
    const error = await done;
    expect((error as NodeJS.ErrnoException | undefined)?.code).toBe('ETIMEDOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('keeps a socket that was answered and then stays idle', async () => {
    const s = open();
    s.write('ping');
    await new Promise((r) => s.once('data', r));
    await new Promise((r) => setTimeout(r, 700));
    expect(s.destroyed).toBe(false);
    s.destroy();
  });
});
