// bench/faults: outages under steady load. The runtime runs in its own process (as in the other benchmarks);
// a steady stream of requests goes to it over HTTP while (1) its PostgreSQL, a throwaway cluster, is stopped
// for 5 s and started again, and (2) the fake Zoho answers 503 to everything for 8 s. Printed per second:
// the answers by status, their p99 latency, and (2) the Zoho attempts per inbound call.
import { startFakeZoho, type FakeZoho } from '../test/support/fake-zoho.ts';
import { pgClusterUnavailable, startPgCluster } from '../test/support/pg-cluster.ts';
import { steadyLoad, type Answer } from '../test/reliability/steady-load.ts';
import { connectOverHttp, jwtFor } from './support/connect.ts';
import { faultTable, type FaultWindow } from './faults-report.ts';
import { startRuntimeProcess, type RuntimeProcess } from './support/runtime-process.ts';
import { sleep, target } from './support/stats.ts';

const PG_DOWN_MS = 5_000;
const ZOHO_DOWN_MS = 8_000;
const EVERY_MS = 20; // 50 requests a second
const CLIENT_TIMEOUT_MS = 30_000;

const MIXED = [
  { path: '/api/tools/crm_get_org', method: 'POST', body: '{"params":{}}' },
  { path: '/api/connections', method: 'GET' },
  { path: '/health', method: 'GET' },
] as const;

/** One request over HTTP, its answer recorded (a client that gave up after 30 s counts as status 0). */
async function send(rt: RuntimeProcess, auth: string, req: { path: string; method: string; body?: string }): Promise<Answer> {
  const startedAt = Date.now();
  try {
    const res = await fetch(`${rt.url}${req.path}`, {
      method: req.method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: req.body,
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
    const text = await res.text();
    let code: string | undefined;
    try {
      code = JSON.parse(text)?.error?.code;
    } catch {}
    return { path: req.path, startedAt, ms: Date.now() - startedAt, status: res.status, code, retryAfter: res.headers.get('retry-after') };
  } catch {
    return { path: req.path, startedAt, ms: Date.now() - startedAt, status: 0, retryAfter: null };
  }
}

async function startRuntime(fake: FakeZoho, databaseUrl?: string) {
  const rt = await startRuntimeProcess({
    zohoUrl: fake.url, zohoClientId: fake.clientId, zohoClientSecret: fake.clientSecret, zohoRedirectUri: fake.redirectUri, databaseUrl,
  });
  await connectOverHttp(rt.url, fake, 'alice', '70001');
  await connectOverHttp(rt.url, fake, 'bob', '70002');
  return rt;
}

function startFake() {
  return startFakeZoho().then((fake) => {
    fake.addUser({ zuid: '70001', email: 'ada@example.com', orgId: '9001' });
    fake.addUser({ zuid: '70002', email: 'bob@example.com', orgId: '9001' });
    return fake;
  });
}

/** PostgreSQL stopped (`pg_ctl stop -m fast`) for 5 s under 50 mixed requests a second, then started again. */
async function postgresRestart(): Promise<void> {
  console.log(`\n  (1) PostgreSQL restarted: down ${PG_DOWN_MS / 1000} s, ${1000 / EVERY_MS} requests/s (tool call, list connections, health)`);
  const unavailable = pgClusterUnavailable();
  if (unavailable) return console.log(`    skipped: ${unavailable}`);
  const cluster = await startPgCluster();
  const fake = await startFake();
  const rt = await startRuntime(fake, cluster.url);
  try {
    const auth = `Bearer ${await jwtFor('alice')}`;
    const t0 = Date.now();
    const load = steadyLoad(EVERY_MS, (i) => send(rt, auth, MIXED[i % MIXED.length]!));
    await sleep(3_000);
    const downAt = Date.now();
    await cluster.stop('fast');
    await sleep(PG_DOWN_MS);
    await cluster.start();
    const upAt = Date.now();
    await sleep(7_000);
    const answers = await load.stop();
    const window: FaultWindow = { t0, downAt, upAt };
    faultTable(answers, window);
    const during = answers.filter((a) => a.startedAt >= downAt && a.startedAt < upAt);
    const slowest = Math.max(...during.map((a) => a.ms));
    const undocumented = answers.filter((a) => a.status !== 200 && !(a.status === 503 && a.code === 'DATABASE_UNAVAILABLE' && a.retryAfter));
    const lastFailure = Math.max(upAt, ...answers.filter((a) => a.status !== 200).map((a) => a.startedAt));
    console.log(target('slowest answer while down', `${slowest} ms`, slowest <= 2_000, '<= ~2 s'));
    console.log(target('answers other than 200 or 503 DATABASE_UNAVAILABLE + Retry-After', String(undocumented.length), undocumented.length === 0, '0'));
    console.log(target('all ok again after the restart', `${lastFailure - upAt} ms`, lastFailure - upAt <= 5_000, '<= ~5 s'));
  } finally {
    await rt.close();
    await fake.close();
    await cluster.close();
  }
}

/** The fake Zoho answers 503 to every request for 8 s under 50 tool calls a second from two users. */
async function zohoOutage(): Promise<void> {
  console.log(`\n  (2) Zoho answering 503 to everything for ${ZOHO_DOWN_MS / 1000} s, ${1000 / EVERY_MS} tool calls/s (alice and bob, crm_get_org)`);
  const fake = await startFake();
  const rt = await startRuntime(fake);
  try {
    const auths = [`Bearer ${await jwtFor('alice')}`, `Bearer ${await jwtFor('bob')}`];
    fake.reset();
    const t0 = Date.now();
    const load = steadyLoad(EVERY_MS, (i) => send(rt, auths[i % 2]!, MIXED[0]));
    await sleep(3_000);
    const downAt = Date.now();
    fake.inject({ path: /./, status: 503, body: { code: 'INTERNAL_ERROR', message: 'Service Unavailable', status: 'error' }, times: 10_000_000 });
    await sleep(ZOHO_DOWN_MS);
    fake.clearFaults();
    const upAt = Date.now();
    await sleep(6_000);
    const answers = await load.stop();
    faultTable(answers, { t0, downAt, upAt }, fake.requests.map((r) => r.at));
    const inbound = answers.filter((a) => a.startedAt >= downAt && a.startedAt < upAt).length;
    const attempts = fake.requests.filter((r) => r.at >= downAt && r.at < upAt).length;
    const ratio = attempts / inbound;
    const lastFailure = Math.max(upAt, ...answers.filter((a) => a.status !== 200).map((a) => a.startedAt));
    console.log(target('Zoho attempts per inbound call while down', `${ratio.toFixed(2)} (${attempts} / ${inbound})`, ratio <= 1.2, '<= 1.2'));
    console.log(target('all ok again after Zoho is back', `${lastFailure - upAt} ms`, lastFailure - upAt <= 5_000, '<= ~5 s'));
  } finally {
    await rt.close();
    await fake.close();
  }
}

export async function runFaultsBench(): Promise<void> {
  console.log('\n== bench/faults: outages under steady load (runtime in its own process, 127.0.0.1) ==');
  await postgresRestart();
  await zohoOutage();
}
