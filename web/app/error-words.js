// A failed tool call in plain words: Zoho's own codes and field names translated, said once.
import { plainWords } from './api.js';
import { fieldLabel } from './fields.js';

const ZOHO_REASONS = {
  MANDATORY_NOT_FOUND: (field) => `A required field is missing${field ? `: ${field}` : ''}.`,
  INVALID_DATA: (field, d) => `Zoho did not accept the value${field ? ` of ${field}` : ''}${d?.expected_data_type ? ` (it expects ${fieldLabel(d.expected_data_type).toLowerCase()})` : ''}.`,
  DUPLICATE_DATA: (field) => `A record with the same ${field ?? 'values'} already exists.`,
  INVALID_MODULE: () => 'Zoho does not know that module.',
  INVALID_URL_PATTERN: () => 'Zoho does not know that module or record.',
  RECORD_NOT_FOUND: () => 'Zoho could not find that record.',
  ID_ALREADY_CONVERTED: () => 'That lead was converted already.',
  LIMIT_EXCEEDED: () => 'That is more than Zoho allows in one request.',
  SYNTAX_ERROR: () => 'Zoho could not read the query.',
  INVALID_QUERY: () => 'Zoho could not run the query.',
  NO_PERMISSION: () => 'Your Zoho account does not have the permission for this.',
  OAUTH_SCOPE_MISMATCH: () => 'The Zoho connection was not given access to this; reconnect Zoho.',
};

/**
 * `{ text, code }`: `text` says what went wrong once, in words (Zoho's reason when it gave one, with
 * field names as labels); `code` is the runtime's code, shown small for anyone reporting it.
 */
export function toolErrorWords(error) {
  const details = error?.details ?? {};
  const zoho = details.zohoCode ? ZOHO_REASONS[details.zohoCode] : undefined;
  const info = firstDetail(details.zohoDetails);
  const field = info?.api_name ? fieldLabel(info.api_name) : undefined;
  const text = zoho ? zoho(field, info) : plainWords(error).text;
  return { text, code: [error?.code, details.zohoCode].filter(Boolean).join(' / ') };
}

const firstDetail = (value) => (Array.isArray(value) ? value[0] : value && typeof value === 'object' ? value : undefined);

/** A repair in one sentence: what was wrong (Zoho's reason in words, or the fields), and that it is tried again. */
export function repairWords(repair) {
  const text = String(repair.error ?? '');
  const zoho = /^([A-Z][A-Z_]+): ([^\n]*)(?:\ndetails: (.*))?/s.exec(text);
  let why;
  if (zoho) {
    let info;
    try { info = firstDetail(JSON.parse(zoho[3] ?? 'null')); } catch { info = undefined; }
    const reason = ZOHO_REASONS[zoho[1]];
    why = reason ? reason(info?.api_name ? fieldLabel(info.api_name) : undefined, info) : `${zoho[2]}.`;
  } else {
    const lines = text.split('\n').map((l) => l.replace(/^\s*-\s*/, '').trim()).filter(Boolean);
    why = lines.map((l) => l.replace(/^([\w.[\]]+):/, (_, path) => `${fieldLabel(path.split('.').at(-1))} (${path}):`)).join('; ');
    if (why && !/[.!?]$/.test(why)) why += '.';
  }
  return repair.attempt > 0
    ? `Zoho refused attempt ${repair.attempt}: ${why} Trying again with corrected parameters.`
    : `Corrected before running: ${why}`;
}
