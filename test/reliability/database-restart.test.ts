import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgClusterUnavailable, startPgCluster, type PgCluster } from '../support/pg-cluster.ts';
import type { TestRuntime } from '../support/test-runtime.ts';
import { MIXED_REQUESTS, sendRecorded, sleep, steadyLoad, undocumented } from './steady-load.ts';
import { startZohoRig, type ZohoRig } from './zoho-rig.ts';

const unavailable = pgClusterUnavailable();
if (unavailable) console.warn(`skipped: PostgreSQL restart tests (${unavailable})`);

describe.skipIf(unavailable)('PostgreSQL restarted under load (a throwaway cluster)', () => {
  let cluster: PgCluster;
  let rig: ZohoRig;
  let t: TestRuntime;

  beforeAll(async () => {
    cluster = await startPgCluster();
    rig = await startZohoRig({ options: { kind: 'postgres', url: cluster.url, maxConnections: 5 } });
    t = rig.t;
  });
  afterAll(async () => {
    await rig?.close();
    await cluster?.close();
  });

  it('answers 503 with Retry-After at once while it is down, and recovers within seconds without a restart', async () => {
    const load = steadyLoad(25, (i) => sendRecorded(t, 'alice', MIXED_REQUESTS[i % 3]!.path, MIXED_REQUESTS[i % 3]!.init));
    await sleep(800);
    const stoppedAt = Date.now();
    await cluster.stop('fast');
    await sleep(4_000);
    await cluster.start();
    const backAt = Date.now();
    await sleep(3_000);
    const answers = await load.stop();

    expect(undocumented(answers)).toEqual([]);
    const during = answers.filter((a) => a.startedAt > stoppedAt + 500 && a.startedAt < backAt - 500);
    expect(during.length).toBeGreaterThan(20);
    expect(during.every((a) => a.status === 503)).toBe(true);
    // Before: p50 3.3 s and one request 19.6 s. Now a known-down database answers from the gate.
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(2_500);
    const failedAfter = answers.filter((a) => a.status !== 200 && a.startedAt >= backAt);
    const lastFailure = Math.max(backAt, ...failedAfter.map((a) => a.startedAt));
    expect(lastFailure - backAt).toBeLessThan(5_000);
    expect(answers.filter((a) => a.startedAt > lastFailure).length).toBeGreaterThan(10);
  });
});
