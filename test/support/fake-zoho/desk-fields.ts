// GET /api/v1/fields?module=tickets and GET /api/v1/fields/{id} (Zoho's Desk OAS Field.json). The list
// answers each field without its values, as Field.json's list example does; one field's own answer
// carries `pickListValues` (with `statusType` for status). Chosen: only tickets have fields here.
import type { DeskCtx } from './desk-common.ts';
import { deskErr, isReply, queryCheck, urlNotFound } from './desk-common.ts';
import type { Rec, Reply } from './types.ts';
import { json } from './util.ts';

const MODULES = ['tickets', 'contacts', 'accounts', 'tasks', 'timeEntry', 'products', 'calls', 'events', 'contracts', 'agents'];

type FieldSeed = [apiName: string, label: string, type: string, mandatory: boolean, values?: Array<string | [string, string]>, custom?: boolean];
const TICKET_FIELDS: FieldSeed[] = [
  ['subject', 'Subject', 'Text', true],
  ['status', 'Status', 'Picklist', true, [['Open', 'Open'], ['On Hold', 'On Hold'], ['Escalated', 'Open'], ['Closed', 'Closed']]],
  ['priority', 'Priority', 'Picklist', false, ['High', 'Medium', 'Low']],
  ['channel', 'Channel', 'Picklist', false, ['Phone', 'Email', 'Web', 'Twitter', 'Facebook', 'Chat', 'Forums', 'Feedback Widget']],
  ['classification', 'Classification', 'Picklist', false, ['Question', 'Problem', 'Feature', 'Others']],
  ['category', 'Category', 'Picklist', false, ['General', 'Billing', 'Technical']],
  ['language', 'Language', 'Picklist', false, ['English', 'French', 'German', 'Spanish']],
  ['email', 'Email', 'Email', false],
  ['dueDate', 'Due Date', 'DateTime', false],
  ['cf_region', 'Region', 'Picklist', false, ['Americas', 'EMEA', 'APAC'], true],
];
/** Chosen: the custom field is in the first department's layout only (so departmentId filters something). */
const CUSTOM_IN_FIRST_DEPARTMENT_ONLY = 'cf_region';

function fieldsOf(c: DeskCtx): Rec[] {
  return TICKET_FIELDS.map(([apiName, label, type, mandatory, values, custom], i) => ({
    id: `${c.orgId.slice(0, 6)}0000${String(101 + i).padStart(6, '0')}`,
    apiName, name: apiName, displayLabel: label, i18NLabel: label, type, isMandatory: mandatory, isCustomField: custom === true,
    isEncryptedField: false, maxLength: type === 'Text' ? 255 : type === 'Picklist' ? 120 : null,
    ...(type === 'Picklist' ? { subType: 'Plain' } : {}),
    $values: values?.map((v) => (Array.isArray(v) ? { value: v[0], statusType: v[1] } : { value: v })),
  }));
}

const listView = ({ $values: _values, ...field }: Rec): Rec => field;

export function listFields(c: DeskCtx): Reply {
  const q = c.r.query;
  const p = queryCheck(q, ['module', 'apiNames', 'filter', 'associatedDepartments'], 100);
  if (isReply(p)) return p;
  if (!q['module']) return deskErr(422, 'UNPROCESSABLE_ENTITY', "The query parameter 'module' is mandatory.", [{ fieldName: 'module', errorType: 'missing', errorMessage: "The query parameter 'module' is mandatory." }]);
  if (!MODULES.includes(q['module'])) return deskErr(422, 'UNPROCESSABLE_ENTITY', "The value passed for the query parameter 'module' is invalid.");
  if (q['module'] !== 'tickets') return json(200, { data: [] });
  const names = q['apiNames']?.split(',').map((n) => n.trim());
  const dept = q['associatedDepartments'];
  const first = [...c.s.desk.departments.values()].find((d) => c.s.desk.orgOf.get(String(d['id'])) === c.orgId);
  if (dept !== undefined && !(c.s.desk.departments.has(dept) && c.s.desk.orgOf.get(dept) === c.orgId)) {
    return deskErr(422, 'UNPROCESSABLE_ENTITY', "The value passed for the query parameter 'associatedDepartments' is invalid.");
  }
  const rows = fieldsOf(c).filter((f) =>
    (!names || names.includes(String(f['apiName']))) &&
    (dept === undefined || f['apiName'] !== CUSTOM_IN_FIRST_DEPARTMENT_ONLY || dept === String(first?.['id'])));
  return json(200, { data: rows.map(listView) });
}

export function getField(c: DeskCtx): Reply {
  const f = fieldsOf(c).find((x) => x['id'] === c.params['id']);
  if (!f) return urlNotFound();
  const { $values, ...field } = f;
  return json(200, { ...field, ...($values ? { pickListValues: $values } : {}) });
}

/** The status values of the ticket layout (sendReply's ticketStatus is checked against them). */
export const ticketStatuses = (): string[] => (TICKET_FIELDS.find((f) => f[0] === 'status')?.[4] ?? []).map((v) => (Array.isArray(v) ? v[0] : v));
