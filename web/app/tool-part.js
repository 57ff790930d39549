// One tool call in an answer: a sentence in plain words (the tool's own `summary`, in the past
// tense once it ran), its repairs, the approval box when it waits for one, how it ended, and the
// details (params and result as fields and a table, the raw JSON last). A tool may add content of
// its own under the line (registerResultRenderer): an inline screenshot, say.
import { h, prettyJson } from './dom.js';
import { repairWords, toolErrorWords } from './error-words.js';
import { fieldLabel, fieldValue, keyFields } from './fields.js';

const renderers = new Map();

/**
 * `render(part) → Node | null` shows a tool's result its own way, under the call's line (for
 * example browser_navigate_and_screenshot's image, fetched with the user's token). Called on every
 * render of the part; return null while there is nothing to show.
 */
export function registerResultRenderer(toolName, render) {
  renderers.set(toolName, render);
}

const PAST = { Search: 'Searched', List: 'Listed', Read: 'Read', Run: 'Ran', Get: 'Got', Find: 'Found', Create: 'Created', Update: 'Updated',
  Delete: 'Deleted', Add: 'Added', Send: 'Sent', Convert: 'Converted', Upsert: 'Upserted', Open: 'Opened', Take: 'Took', Move: 'Moved' };

/** "Search Leads for x." → "Searched Leads for x"; "Create or update a ..." → "Created or updated a ...". */
export function pastTense(sentence) {
  const bare = sentence.replace(/\.$/, '');
  return bare.replace(/^(\w+)(?: or (\w+))?/, (all, a, b) => (PAST[a] ? `${PAST[a]}${b ? ` or ${(PAST[b] ?? b).toLowerCase()}` : ''}` : all));
}

/** "crm_get_org" → "Zoho CRM: get org" when the tool gave no sentence. */
function toolSentence(part) {
  if (part.summary) return part.summary;
  const [app, ...words] = String(part.tool ?? 'tool').split('_');
  return `${{ crm: 'Zoho CRM', desk: 'Zoho Desk' }[app] ?? app}: ${words.join(' ')}`;
}

/** The call's state: running, waiting (for approval), ok, failed or stopped. */
export function toolState(part) {
  if (part.awaiting && !part.outcome) return 'waiting';
  if (!part.outcome) return 'running';
  if (part.outcome.ok) return 'ok';
  return part.outcome.stopped || NOT_RUN.has(part.outcome.error?.code) ? 'stopped' : 'failed';
}

/** Calls that did not fail but never ran: denied, cancelled or expired, or waiting for a corrected call's approval. */
const NOT_RUN = new Set(['APPROVAL_DENIED', 'NOT_RUN', 'REPAIR_NEEDS_APPROVAL']);

/**
 * Renders `part` into `el`, keeping an open <details> open. `approval` is the approval box of this
 * call (or null), `decision` the user's decision on it.
 */
export function renderToolPart(part, el, { approval = null, decision } = {}) {
  const state = toolState(part);
  const wasOpen = el.querySelector(':scope > details')?.open ?? false;
  el.className = `tool tool-${state}`;
  el.dataset.tool = part.tool ?? '';
  el.dataset.callId = part.callId ?? '';
  const sentence = toolSentence(part);
  const code = part.outcome?.error?.code;
  const line = state === 'ok' ? pastTense(sentence) : state === 'waiting' && approval ? 'Waiting for your approval' : sentence.replace(/\.$/, '');
  const children = [h('div', { class: 'tool-line' },
    h('span', { class: 'tool-icon', 'aria-hidden': 'true' }),
    h('span', { class: 'tool-text' }, line),
    state === 'running' ? h('span', { class: 'tool-status' }, part.message ?? `Calling Zoho tool: ${part.tool}...`) : null)];
  for (const r of part.repairs ?? []) children.push(h('div', { class: 'tool-repair' }, repairWords(r)));
  if (approval) children.push(approval);
  if (decision === 'approve' || decision === 'deny') {
    children.push(h('div', { class: 'tool-decision' }, decision === 'approve' ? 'You approved this.' : 'You denied this.'));
  }
  if (part.outcome && decision !== 'cancelled') children.push(outcomeLine(part, state, code, decision));
  const custom = renderers.get(part.tool)?.(part);
  if (custom) children.push(h('div', { class: 'tool-custom' }, custom));
  const details = detailsOf(part);
  details.open = wasOpen;
  children.push(details);
  el.replaceChildren(...children);
}

function outcomeLine(part, state, code, decision) {
  const attempts = part.outcome.attempts;
  const suffix = attempts > 1 ? ` after ${attempts} attempts` : '';
  if (state === 'ok') return h('div', { class: 'tool-outcome' }, `Done${suffix}${resultHint(part.outcome.result)}.`);
  if (code === 'APPROVAL_DENIED' || decision === 'deny') return h('div', { class: 'tool-outcome' }, 'Not run: you denied it.');
  if (code === 'REPAIR_NEEDS_APPROVAL') return h('div', { class: 'tool-outcome' }, 'Not run: Zoho refused these parameters. The corrected call below needs your approval.');
  if (part.outcome.cancelled || code === 'NOT_RUN') return h('div', { class: 'tool-outcome' }, 'Not run: you sent a new message instead, or it waited too long.');
  if (state === 'stopped' || code === 'ABORTED') {
    // Only an approved write can have reached Zoho half-way; a read just has no result.
    return h('div', { class: 'tool-outcome' }, decision === 'approve' ? 'Stopped before it finished: Zoho may or may not have applied it.' : 'Stopped before it finished.');
  }
  const words = toolErrorWords(part.outcome.error);
  return h('div', { class: 'tool-outcome' }, `Failed${suffix}: ${words.text} `, words.code ? h('span', { class: 'tool-code' }, `(${words.code})`) : null);
}

/** ": 3 records" for a result holding one list, " (id 42)" for a new record's id; "" otherwise. */
function resultHint(result) {
  const list = mainList(result);
  if (!list) return typeof result?.id === 'string' || typeof result?.id === 'number' ? ` (id ${result.id})` : '';
  const noun = list.key.replace(/s$/, '');
  return `: ${list.items.length} ${list.items.length === 1 ? noun : `${noun}s`}`;
}

function mainList(result) {
  if (!result || typeof result !== 'object' || Array.isArray(result)) return undefined;
  const lists = Object.entries(result).filter(([, v]) => Array.isArray(v));
  return lists.length === 1 ? { key: lists[0][0], items: lists[0][1] } : undefined;
}

function detailsOf(part) {
  const params = keyFields(part.params ?? {});
  const result = part.outcome?.ok ? resultView(part.outcome.result) : null;
  const raw = { params: part.params ?? {}, ...(part.repairs?.length ? { repairs: part.repairs } : {}),
    ...(part.outcome && !part.outcome.stopped ? (part.outcome.ok ? { result: part.outcome.result } : { error: part.outcome.error }) : {}) };
  return h('details', {},
    h('summary', {}, `Details (${part.tool})`),
    h('div', { class: 'kv-label' }, 'Parameters'),
    params.length ? h('dl', { class: 'fields' }, params.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])) : h('p', { class: 'muted' }, 'None.'),
    result ? [h('div', { class: 'kv-label' }, 'Result'), result] : null,
    h('details', { class: 'raw' }, h('summary', {}, 'Raw JSON'), h('pre', { tabindex: '0' }, prettyJson(raw))));
}

/** A result as a person reads it: a list as a table (first 20 rows), a record as fields. */
function resultView(result) {
  const list = mainList(result);
  if (list && list.items.length && list.items.every((i) => i && typeof i === 'object')) {
    const columns = columnsOf(list.items);
    const rows = list.items.slice(0, 20);
    return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': `${fieldLabel(list.key)} found` },
      h('table', { class: 'result-table' },
        h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, fieldLabel(c))))),
        h('tbody', {}, rows.map((row) => h('tr', {}, columns.map((c) => h('td', {}, fieldValue(row[c]))))))),
      list.items.length > rows.length ? h('p', { class: 'muted' }, `First ${rows.length} of ${list.items.length}.`) : null);
  }
  const record = result && typeof result === 'object' && !Array.isArray(result) ? singleRecord(result) : undefined;
  if (!record) return null;
  const fields = Object.entries(record).filter(([, v]) => v === null || typeof v !== 'object' || typeof v?.name === 'string').slice(0, 24);
  return fields.length ? h('dl', { class: 'fields' }, fields.map(([k, v]) => [h('dt', {}, fieldLabel(k)), h('dd', {}, fieldValue(v))])) : null;
}

/** `{org: {...}}` → the org; a flat object → itself. */
function singleRecord(result) {
  const entries = Object.entries(result);
  if (entries.length === 1 && entries[0][1] && typeof entries[0][1] === 'object' && !Array.isArray(entries[0][1])) return entries[0][1];
  return result;
}

/** Up to 6 columns, the naming ones first; nested objects (lookups) only when they have a name. */
function columnsOf(items) {
  const seen = new Map();
  for (const item of items.slice(0, 20)) for (const [k, v] of Object.entries(item)) {
    if (v !== null && typeof v === 'object' && typeof v.name !== 'string') continue;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const preferred = ['Full_Name', 'Name', 'Deal_Name', 'Account_Name', 'Last_Name', 'First_Name', 'subject', 'ticketNumber', 'name', 'fullName', 'Email', 'email', 'status', 'Stage'];
  const keys = [...seen.keys()].filter((k) => !k.startsWith('$'));
  keys.sort((a, b) => rank(a) - rank(b));
  return keys.slice(0, 6);
  function rank(k) {
    const i = preferred.indexOf(k);
    return i === -1 ? (k === 'id' ? 50 : 20) : i;
  }
}
