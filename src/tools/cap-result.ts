export interface CappedResult {
  /** JSON text no longer than the cap (plus the note). */
  text: string;
  truncated: boolean;
}

/**
 * Bounds what one tool result adds to a model's context. Lists are cut to the items that fit
 * (whole items, so the model never reads half a record); anything else is cut as text. A note
 * says what was left out so the model can ask for a narrower page instead of guessing.
 */
export function capResult(result: unknown, maxChars: number): CappedResult {
  const full = JSON.stringify(result ?? null);
  if (full.length <= maxChars) return { text: full, truncated: false };
  const list = findLargestList(result);
  if (list) {
    const { holder, key, items } = list;
    let kept = items.length;
    let text = full;
    while (kept > 0 && text.length > maxChars) {
      kept = Math.floor(kept * Math.min(0.9, maxChars / text.length));
      text = JSON.stringify(replaceList(result, holder, key, items.slice(0, kept)));
    }
    if (text.length <= maxChars) {
      return { text: `${text}\n[truncated: showing ${kept} of ${items.length} items in "${key}"; ask for a smaller page or fewer fields for the rest]`, truncated: true };
    }
  }
  return { text: `${full.slice(0, maxChars)}\n[truncated: ${full.length - maxChars} of ${full.length} characters cut; ask for less data]`, truncated: true };
}

function findLargestList(value: unknown): { holder: Record<string, unknown> | undefined; key: string; items: unknown[] } | undefined {
  if (Array.isArray(value)) return { holder: undefined, key: '(result)', items: value };
  if (typeof value !== 'object' || value === null) return undefined;
  let best: { holder: Record<string, unknown>; key: string; items: unknown[] } | undefined;
  for (const [key, v] of Object.entries(value)) {
    if (Array.isArray(v) && v.length > (best?.items.length ?? 0)) best = { holder: value as Record<string, unknown>, key, items: v };
  }
  return best;
}

function replaceList(result: unknown, holder: Record<string, unknown> | undefined, key: string, items: unknown[]): unknown {
  return holder ? { ...holder, [key]: items } : items;
}
