// OAuth scope checks (only for tokens whose grant code carried scopes; mintTokens() tokens may do everything).
// Scope format `ZohoCRM.<area>[.<module>].<OP>` / `Desk.<area>.<OP>` (ZOHO.md 3.3, 4.5). Where a doc is unclear
// the check is lenient (COQL accepts a coql or a modules scope; Desk search needs only the area's READ).
import type { AccessInfo } from './types.ts';

type Op = 'read' | 'create' | 'update' | 'delete';

export function opOf(method: string): Op {
  return method === 'GET' ? 'read' : method === 'POST' ? 'create' : method === 'DELETE' ? 'delete' : 'update';
}

function opOk(scopeOp: string | undefined, ops: Op[]): boolean {
  if (scopeOp === 'all') return true;
  if (scopeOp === 'write') return ops.some((o) => o !== 'read');
  return ops.some((o) => o === scopeOp);
}

/**
 * True when one of the token's scopes is `<service>.<area>[.<sub>].<op>` for one of `areas`, with `sub` (if the
 * scope has one) equal to `sub`, and an op in `ops`.
 */
function granted(a: AccessInfo, service: string, areas: string[], sub: string | undefined, ops: Op[]): boolean {
  if (a.scopes.length === 0) return true;
  return a.scopes.some((raw) => {
    const parts = raw.toLowerCase().split('.');
    if (parts[0] !== service || !areas.includes(parts[1] ?? '')) return false;
    const op = parts[parts.length - 1];
    const mid = parts.slice(2, -1);
    if (mid.length > 0 && (sub === undefined || mid[0] !== sub.toLowerCase())) return false;
    return opOk(op, ops);
  });
}

/** CRM: settings/*, users, org, coql, or a module's records. */
export function crmScopeOk(a: AccessInfo, method: string, first: string | undefined, second: string | undefined): boolean {
  const op = opOf(method);
  switch (first) {
    case 'settings':
      return granted(a, 'zohocrm', ['settings'], second, [op]);
    case 'users':
      return granted(a, 'zohocrm', ['users'], undefined, [op]);
    case 'org':
      return granted(a, 'zohocrm', ['org'], undefined, [op]);
    case 'coql':
      return granted(a, 'zohocrm', ['coql', 'modules'], undefined, ['read']);
    default: {
      const writeOps: Op[] = second === 'upsert' ? ['create', 'update'] : [op];
      const ops: Op[] = method === 'GET' ? ['read'] : writeOps;
      return granted(a, 'zohocrm', ['modules'], first, ops);
    }
  }
}

/** Desk: area by the first path segment. */
export function deskScopeOk(a: AccessInfo, method: string, first: string | undefined, third: string | undefined): boolean {
  if (a.scopes.length > 0 && !a.scopes.some((s) => s.toLowerCase().startsWith('desk.'))) return false;
  const op = opOf(method);
  // Adding a comment takes create or update; sending a reply takes update (Thread.json sendReply).
  const ops: Op[] = first === 'tickets' && third === 'comments' && op === 'create' ? ['create', 'update']
    : first === 'tickets' && third === 'sendReply' ? ['update'] : [op];
  switch (first) {
    case 'organizations':
    case 'myinfo':
      return true; // any Desk scope (exact scope UNVERIFIED)
    case 'tickets':
      return granted(a, 'desk', ['tickets'], undefined, ops);
    case 'contacts':
    case 'accounts':
      return granted(a, 'desk', ['contacts'], undefined, ops);
    case 'articles':
      return granted(a, 'desk', ['articles'], undefined, ops);
    default: // departments, agents
      return granted(a, 'desk', ['settings', 'basic'], undefined, ops);
  }
}
