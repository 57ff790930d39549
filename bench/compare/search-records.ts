// The one Zoho call of the benchmark's chat, made with a fixed token by every reference that is not
// the runtime: GET /crm/v8/{module}/search (module_search.json) with word=... (or criteria/email/phone).

export interface SearchParams {
  module: string;
  criteria?: string;
  email?: string;
  phone?: string;
  word?: string;
}

/** `{records, info}`, the shape the runtime's crm_search_records returns; throws on a non-2xx answer. */
export async function searchRecords(zohoUrl: string, token: string, p: SearchParams, signal?: AbortSignal) {
  const query = new URLSearchParams();
  for (const key of ['criteria', 'email', 'phone', 'word'] as const) if (p[key] !== undefined) query.set(key, p[key]!);
  const res = await fetch(`${zohoUrl}/crm/v8/${encodeURIComponent(p.module)}/search?${query}`, {
    headers: { authorization: `Zoho-oauthtoken ${token}` },
    signal,
  });
  if (res.status === 204) return { records: [], info: { count: 0, more_records: false } };
  const body = (await res.json()) as { data?: unknown[]; info?: unknown };
  if (!res.ok) throw new Error(`Zoho answered ${res.status}: ${JSON.stringify(body)}`);
  return { records: body.data ?? [], info: body.info };
}
