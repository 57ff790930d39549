/** The operations a Zoho scope's last part names; `ALL` grants each of them (ZOHO.md 3.3, 4.5). */
const OPERATIONS = ['read', 'create', 'update', 'delete'];

/** `ZohoCRM.modules.leads.READ` -> area `zohocrm.modules.leads`, op `read` (Zoho compares scopes case-insensitively). */
function parse(scope: string): { area: string; op: string } {
  const parts = scope.trim().toLowerCase().split('.');
  return { area: parts.slice(0, -1).join('.'), op: parts.at(-1) ?? '' };
}

/**
 * The scopes of `required` that `granted` does not cover: a required scope is covered by itself,
 * by its area's `ALL`, and (for a required `ALL`) by all four of its area's operations. A granular
 * grant such as `ZohoCRM.modules.leads.ALL` does not cover `ZohoCRM.modules.ALL`.
 */
export function missingScopes(required: readonly string[], granted: readonly string[]): string[] {
  const have = new Map<string, Set<string>>();
  for (const g of granted.map(parse)) {
    const ops = have.get(g.area) ?? new Set<string>();
    ops.add(g.op);
    have.set(g.area, ops);
  }
  return required.filter((scope) => {
    const { area, op } = parse(scope);
    const ops = have.get(area);
    if (!ops) return true;
    if (ops.has('all') || ops.has(op)) return false;
    return !(op === 'all' && OPERATIONS.every((o) => ops.has(o)));
  });
}

/** A token answer's `scope` (space- or comma-separated) as a list; undefined when Zoho did not say. */
export function splitScopes(scope: string | undefined): string[] | undefined {
  const list = scope?.split(/[\s,]+/).filter(Boolean) ?? [];
  return list.length > 0 ? list : undefined;
}
