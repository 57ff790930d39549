// Everything bench/compare runs against, started once: the fakes (in this process, with the client),
// the four columns (the floor in this process; the AI SDK peer, the hand-written runtime and the
// runtime each in its own process) and the hono proxy for tool calls by name.
import { startFakeOpenRouter, type FakeOpenRouter } from '../../test/support/fake-openrouter.ts';
import { startFakeZoho, type FakeZoho } from '../../test/support/fake-zoho.ts';
import { startPeer } from '../peers/start-peer.ts';
import type { BenchProcess } from '../support/bench-process.ts';
import { connectOverHttp, jwtFor } from '../support/connect.ts';
import { startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process.ts';
import type { ChatResult } from './chat-result.ts';
import type { Owner } from './upstream-tally.ts';
import { aiSdkChat, floorChat, ourEventsChat, type OnFirstText } from './chat-clients.ts';
import { compareResponder, MODELS, type Mode, type Timing } from './scenario.ts';

export type ColumnKey = keyof typeof MODELS;

export interface Column {
  key: ColumnKey;
  label: string;
  chat(mode: Mode, i: number, onFirstText?: OnFirstText): Promise<ChatResult>;
  /** The server's own process (none for the floor). */
  process?: BenchProcess<unknown>;
}

export interface Rig {
  zoho: FakeZoho;
  llm: FakeOpenRouter;
  columns: Column[];
  runtime: RuntimeProcess;
  proxy: BenchProcess;
  /** JWT of the runtime's user i (the load is spread over them, as over the users of a deployment). */
  jwts: string[];
  /** The token of the straight searches that tools-by-name makes for reference. */
  straightToken: string;
  /** Fixed Zoho access token -> who uses it (anything else reaching the fake Zoho is the runtime). */
  tokenOwners: Map<string, Owner>;
  close(): Promise<void>;
}

export interface RigOptions {
  users: number;
  timing: Timing;
  /** postgres:// for the runtime, or null for embedded PGlite. */
  databaseUrl: string | null;
}

export async function startRig(o: RigOptions): Promise<Rig> {
  const zoho = await startFakeZoho();
  const llm = await startFakeOpenRouter();
  llm.respondWith(compareResponder(o.timing));
  const started: Array<{ close(): Promise<void> }> = [llm, zoho];
  const close = async () => {
    for (const s of started.reverse()) await s.close();
  };
  try {
    const tokenOwners = new Map<string, Owner>();
    const fixedToken = (owner: Owner, n: number) => {
      const zuid = String(71_000 + n);
      zoho.addUser({ zuid, email: `${owner}@example.com`, orgId: '9001' });
      const { accessToken } = zoho.mintTokens(zuid);
      tokenOwners.set(accessToken, owner);
      return accessToken;
    };
    const peerEnv = (model: string, zohoToken: string) => ({ llmBaseUrl: llm.baseURL, llmApiKey: llm.apiKey, model, zohoUrl: zoho.url, zohoToken });
    const floor = { llmBaseUrl: llm.baseURL, llmApiKey: llm.apiKey, zohoUrl: zoho.url, zohoToken: fixedToken('floor', 1) };
    const aiSdk = await startPeer('ai-sdk-peer', peerEnv(MODELS.aiSdk, fixedToken('aiSdk', 2)));
    started.push(aiSdk);
    const hand = await startPeer('hand-written-runtime', peerEnv(MODELS.hand, fixedToken('hand', 3)));
    started.push(hand);
    const proxy = await startPeer('tool-proxy', peerEnv('none', fixedToken('proxy', 4)));
    const straightToken = fixedToken('straight', 5);
    started.push(proxy);
    const runtime = await startRuntimeProcess({
      zohoUrl: zoho.url, zohoClientId: zoho.clientId, zohoClientSecret: zoho.clientSecret, zohoRedirectUri: zoho.redirectUri,
      openrouterBaseUrl: llm.baseURL, openrouterApiKey: llm.apiKey, openrouterModel: MODELS.runtime,
      databaseUrl: o.databaseUrl, cpuProfile: 'phase',
    });
    started.push(runtime);
    // The runtime's users connect through the real OAuth round trip, ten at a time.
    const jwts: string[] = [];
    for (let i = 0; i < o.users; i += 10) {
      await Promise.all(Array.from({ length: Math.min(10, o.users - i) }, async (_, k) => {
        const n = i + k;
        zoho.addUser({ zuid: String(80_000 + n), email: `user${n}@example.com`, orgId: '9001' });
        await connectOverHttp(runtime.url, zoho, `user-${n}`, String(80_000 + n));
        jwts[n] = await jwtFor(`user-${n}`);
      }));
    }
    const columns: Column[] = [
      { key: 'floor', label: 'the client doing it all itself', chat: (mode, _i, on) => floorChat(floor, mode, on) },
      { key: 'aiSdk', label: 'AI SDK streamText (hono)', process: aiSdk, chat: (mode, _i, on) => aiSdkChat(aiSdk.url, mode, on) },
      { key: 'hand', label: 'hand-written minimal runtime', process: hand, chat: (mode, _i, on) => ourEventsChat(hand.url, {}, mode, on) },
      {
        key: 'runtime', label: 'this runtime', process: runtime,
        chat: (mode, i, on) => ourEventsChat(runtime.url, { authorization: `Bearer ${jwts[i % jwts.length]}` }, mode, on),
      },
    ];
    return { zoho, llm, columns, runtime, proxy, jwts, straightToken, tokenOwners, close };
  } catch (error) {
    await close();
    throw error;
  }
}
