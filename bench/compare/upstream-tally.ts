// Counts the upstream requests of each column from the fakes' own request logs (and empties those
// logs as it goes, so a long run does not keep every request in memory): LLM requests by the model id
// each column sends, Zoho requests by the access token each column holds (any other token: the runtime).
import type { FakeOpenRouter } from '../../test/support/fake-openrouter.ts';
import type { FakeZoho } from '../../test/support/fake-zoho.ts';
import type { ColumnKey } from './rig.ts';
import { MODELS } from './scenario.ts';

export type Owner = ColumnKey | 'proxy' | 'straight';

export interface Tally {
  llm: number;
  zoho: number;
  /** Bytes of the first step-1 completion request seen (the one with only the user's message in it). */
  firstRequestBytes?: number;
}

export interface UpstreamTally {
  /** Moves what the fakes logged since the last drain into the counts. */
  drain(): void;
  /** The counts since the last take(), per owner; starts again from zero. */
  take(): Map<Owner, Tally>;
  stop(): void;
}

export function upstreamTally(llm: FakeOpenRouter, zoho: FakeZoho, tokenOwners: Map<string, Owner>): UpstreamTally {
  const byModel = new Map<string, Owner>(Object.entries(MODELS).map(([key, model]) => [model, key as Owner]));
  let counts = new Map<Owner, Tally>();
  const bytes = new Map<Owner, number>();
  const of = (owner: Owner): Tally => {
    let t = counts.get(owner);
    if (!t) counts.set(owner, (t = { llm: 0, zoho: 0 }));
    return t;
  };
  const drain = () => {
    for (const r of llm.requests.splice(0)) {
      const owner = byModel.get(r.body?.model) ?? 'runtime';
      of(owner).llm++;
      if (!bytes.has(owner) && !r.body?.messages?.some((m: { role: string }) => m.role === 'tool')) bytes.set(owner, JSON.stringify(r.body).length);
    }
    for (const r of zoho.requests.splice(0)) {
      const token = /^Zoho-oauthtoken (.+)$/.exec(r.headers['authorization'] ?? '')?.[1] ?? '';
      of(tokenOwners.get(token) ?? 'runtime').zoho++;
    }
  };
  // Bounded memory during long phases (each runtime request body is ~28 KB of parsed JSON).
  const timer = setInterval(drain, 500);
  return {
    drain,
    take() {
      drain();
      const out = counts;
      for (const [owner, b] of bytes) of(owner).firstRequestBytes = b;
      counts = new Map();
      return out;
    },
    stop: () => clearInterval(timer),
  };
}
