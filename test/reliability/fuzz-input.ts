// Seeded hostile input for the route fuzzer: the same seed gives the same requests, so a failure found
// once is found again (FUZZ_SEED=<n> explores others).

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; `next()` is in [0, 1). */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}

export type Random = ReturnType<typeof seededRandom>;

/** Strings that broke something somewhere: NUL, lone surrogates, encodings, paths, injections, sizes. */
export const HOSTILE_STRINGS: readonly string[] = [
  '\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udc00\ud800', '%00', '%', '%zz', '%E0%A4%A', '%ED%A0%80', '..', '../../etc/passwd',
  '\u202e', 'ÿ', 'é', '😀', '\ufeff', ' ', '', 'null', 'true', '0', '-1', '1e309', '9'.repeat(400), 'x'.repeat(5_000),
  '<script>alert(1)</script>', "' or 1=1 --", '\r\n', '\n\nevent: done\ndata: {}', '__proto__', 'constructor', 'prototype',
  '{"a":1}', '[]', '\\', '"', 'SELECT * FROM Leads', 'Leads', 'eu', 'com', 'approve', 'deny', 'openai/gpt-4.1-mini',
];

export function hostileString(r: Random): string {
  if (r.chance(0.6)) return r.pick(HOSTILE_STRINGS);
  const length = r.int(r.chance(0.1) ? 300 : 12);
  let s = '';
  for (let i = 0; i < length; i++) {
    const range = r.pick([[0, 0x20], [0x20, 0x7f], [0x80, 0x800], [0xd800, 0xe000], [0xe000, 0x10000]] as const);
    s += String.fromCharCode(range[0] + r.int(range[1] - range[0]));
  }
  return s;
}

/** Any JSON value, hostile strings in keys and values, at most `depth` levels. */
export function hostileJson(r: Random, depth = 3): unknown {
  const kind = r.int(depth > 0 ? 7 : 5);
  switch (kind) {
    case 0: return hostileString(r);
    case 1: return r.pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, 42]);
    case 2: return r.chance(0.5);
    case 3: return null;
    case 4: return hostileString(r);
    case 5: return Array.from({ length: r.int(4) }, () => hostileJson(r, depth - 1));
    default: return Object.fromEntries(Array.from({ length: r.int(4) }, () => [hostileString(r), hostileJson(r, depth - 1)]));
  }
}

/** `shape` with some of its values (and sometimes a key) replaced by hostile ones. */
export function mutate(r: Random, shape: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(shape)) {
    if (r.chance(0.15)) continue;
    out[key] = r.chance(0.5) ? hostileJson(r, 2) : value;
  }
  if (r.chance(0.3)) out[hostileString(r)] = hostileJson(r, 1);
  return out;
}

/** A body as bytes: JSON of `value` mostly; sometimes broken JSON, bytes that are not UTF-8, or nothing. */
export function hostileBody(r: Random, value: unknown): string | Uint8Array | undefined {
  const roll = r.int(10);
  if (roll === 0) return undefined;
  if (roll === 1) return r.pick(['{', '{"a":', 'null', '[1,2]', '"x"', '\u0000', '{"__proto__":{"x":1}}', '{"a":"\\u0000"}', '{"a":"\\ud800"}']);
  if (roll === 2) return new Uint8Array(Array.from({ length: 1 + r.int(40) }, () => r.pick([0x00, 0x7b, 0x22, 0xff, 0xc3, 0xed, 0xa0, 0x80, 0x7d])));
  return JSON.stringify(value);
}

/** A path segment as a client would send it: hostile text, percent-encoded or raw-ish. */
export const hostileSegment = (r: Random): string => {
  const s = hostileString(r);
  return r.chance(0.7) ? encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\u0000')) : s.replace(/[^\x21-\x7e]/g, '%00').replace(/[/?#]/g, '%2F');
};
