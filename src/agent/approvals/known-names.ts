import { unwrapToolOutput } from '../system-prompt.ts';
import type { TranscriptMessage } from '../transcript.ts';

/** Fields that name a record, in the order they are preferred (CRM api names, then Desk's). */
const NAME_FIELDS = ['Full_Name', 'Deal_Name', 'Account_Name', 'Subject', 'Name', 'name', 'subject', 'fullName', 'companyName', 'Last_Name', 'lastName', 'email', 'Email'];

/**
 * Names for the ids in a call's params, from what earlier tool results in the conversation said
 * about those ids (a search found "Ada Lovelace" with id 57...; desk_list_departments gave
 * "Billing"). An id the transcript never described stays unnamed: the approval shows it as it is.
 */
export function knownNames(transcript: readonly TranscriptMessage[], params: unknown): Record<string, string> {
  const wanted = new Set<string>();
  collectIds(params, wanted);
  const names: Record<string, string> = {};
  if (wanted.size === 0) return names;
  for (const m of transcript) {
    if (m.role !== 'tool' || typeof m.content !== 'string') continue;
    visit(unwrapToolOutput(m.content), (record) => {
      const id = record.id === undefined || record.id === null ? undefined : String(record.id);
      if (!id || !wanted.has(id) || names[id]) return;
      const name = nameOf(record);
      if (name) names[id] = name;
    });
  }
  return names;
}

function collectIds(value: unknown, into: Set<string>): void {
  if (typeof value === 'string' && /^\d{6,30}$/.test(value)) into.add(value);
  else if (Array.isArray(value)) value.forEach((v) => collectIds(v, into));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => collectIds(v, into));
}

function nameOf(record: Record<string, unknown>): string | undefined {
  const full = [record.First_Name ?? record.firstName, record.Last_Name ?? record.lastName].filter((v) => typeof v === 'string' && v).join(' ');
  for (const field of NAME_FIELDS) {
    const value = field === 'Last_Name' || field === 'lastName' ? full : record[field];
    if (typeof value === 'string' && value.trim()) return value.trim().slice(0, 120);
    if (value && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string') return (value as { name: string }).name.slice(0, 120);
  }
  return undefined;
}

function visit(value: unknown, onRecord: (record: Record<string, unknown>) => void, depth = 0): void {
  if (depth > 8 || !value || typeof value !== 'object') return;
  if (Array.isArray(value)) return value.forEach((v) => visit(v, onRecord, depth + 1));
  onRecord(value as Record<string, unknown>);
  for (const v of Object.values(value)) visit(v, onRecord, depth + 1);
}
