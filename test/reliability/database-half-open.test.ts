import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgClusterUnavailable, startPgCluster, type PgCluster } from '../support/pg-cluster.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import type { TestRuntime } from '../support/test-runtime.ts';
import { MIXED_REQUESTS, sendRecorded, sleep, steadyLoad, undocumented } from './steady-load.ts';
import { startZohoRig, type ZohoRig } from './zoho-rig.ts';

const unavailable = pgClusterUnavailable();
if (unavailable) console.warn(`skipped: PostgreSQL half-open tests (${unavailable})`);

/** The runtime's default query deadline (src/db/database.ts). */
const QUERY_DEADLINE_MS = 2_000;

describe.skipIf(unavailable)('PostgreSQL behind a proxy that stalls, cuts and resets (a throwaway cluster)', () => {
  let cluster: PgCluster;
  let proxy: TcpProxy;
  let rig: ZohoRig;
  let t: TestRuntime;

  beforeAll(async () => {
    cluster = await startPgCluster();
    proxy = await startTcpProxy({ port: cluster.port });
    const url = cluster.url.replace(/127\.0\.0\.1:\d+/, proxy.address);
    rig = await startZohoRig({ options: { kind: 'postgres', url, maxConnections: 5 } });
    t = rig.t;
  });
  afterAll(async () => {
    await rig?.close();
    await proxy?.close();
    await cluster?.close();
  });

  const mixedLoad = () => steadyLoad(25, (i) => sendRecorded(t, 'alice', MIXED_REQUESTS[i % 3]!.path, MIXED_REQUESTS[i % 3]!.init));

  it('fails queries at their deadline while packets stop, drops the dead sockets, and recovers once they flow', async () => {
    const load = mixedLoad();
    await sleep(800);
    const droppedBefore = proxy.closedByClientWhileStalled;
    const stalledAt = Date.now();
    proxy.stall();
    await sleep(5_000);
    proxy.resume();
    const resumedAt = Date.now();
    await sleep(3_000);
    const answers = await load.stop();

    expect(undocumented(answers)).toEqual([]);
    // Before: 184 answers 504 after waiting, 41 of them over 10 s. Now nothing waits past the query deadline.
    const slowest = Math.max(...answers.map((a) => a.ms));
    expect(slowest).toBeLessThan(QUERY_DEADLINE_MS + 1_500);
    const during = answers.filter((a) => a.startedAt > stalledAt + QUERY_DEADLINE_MS + 1_500 && a.startedAt < resumedAt);
    expect(during.length).toBeGreaterThan(20);
    expect(during.every((a) => a.status === 503 && a.ms < 500)).toBe(true);
    expect(proxy.closedByClientWhileStalled - droppedBefore).toBeGreaterThan(0);
    const lastFailure = Math.max(resumedAt, ...answers.filter((a) => a.status !== 200).map((a) => a.startedAt));
    expect(lastFailure - resumedAt).toBeLessThan(1_500);
    expect(answers.filter((a) => a.startedAt > lastFailure).length).toBeGreaterThan(10);
  });

  it.each(['cut', 'reset'] as const)('answers a %s of every connection with 503, never a 500, and is ok right after', async (fault) => {
    const load = mixedLoad();
    await sleep(500);
    const faultAt = Date.now();
    proxy[fault]();
    await sleep(2_000);
    const answers = await load.stop();

    expect(undocumented(answers)).toEqual([]);
    const okAfter = answers.filter((a) => a.startedAt > faultAt + 1_000);
    expect(okAfter.length).toBeGreaterThan(10);
    expect(okAfter.every((a) => a.status === 200)).toBe(true);
  });
});
