import type { ZohoConnection } from './connection-store.ts';

/** What a caller may see of a connection: never a token. */
export interface ConnectionView {
  id: string;
  dc: string;
  email: string | null;
  zohoUserId: string;
  crmOrgId: string | null;
  deskOrgId: string | null;
  status: 'active' | 'needs_reconnect';
  createdAt: string;
  updatedAt: string;
}

export function toConnectionView(c: ZohoConnection): ConnectionView {
  return {
    id: c.id,
    dc: c.dc,
    email: c.email,
    zohoUserId: c.zohoUserId,
    crmOrgId: c.crmOrgId,
    deskOrgId: c.deskOrgId,
    status: c.status,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
