// POST /crm/v8/Leads/{id}/actions/convert (Zoho's v8 OAS convert_lead.json: 200 Success_Response with
// details {Contacts, Deals, Accounts}; 400 Invalid_URL_ID / ID_ALREADY_CONVERTED / MANDATORY_NOT_FOUND).
import type { CrmCtx } from './crm-common.ts';
import { crmErr, lookupRef, recordName, table } from './crm-common.ts';
import { moduleDef } from './crm-schema.ts';
import { checkRecord, dataItems, insertRecord } from './crm-write.ts';
import type { Rec, Reply } from './types.ts';
import { isObj, json } from './util.ts';

/** Zoho's convert dialog asks for these for a deal (ZOHO.md: Deal_Name, Stage, Closing_Date). */
const DEAL_MANDATORY = ['Deal_Name', 'Stage', 'Closing_Date'];

const idOf = (v: unknown): string | undefined => (isObj(v) && typeof v['id'] === 'string' ? v['id'] : undefined);

export function convertLead(c: CrmCtx, leadId: string): Reply {
  const lead = table(c.s, 'Leads').get(leadId);
  if (!/^\d+$/.test(leadId) || !lead) return crmErr(400, 'INVALID_DATA', { resource_path_index: 1 }, 'invalid data');
  if (lead['$converted'] === true) return crmErr(400, 'ID_ALREADY_CONVERTED', { resource_path_index: 1 }, 'id already converted');
  const data = dataItems(c.r.body);
  if (!Array.isArray(data)) return data;
  const input = isObj(data[0]) ? data[0] : {};
  const bad = (api: string, path: string) => crmErr(400, 'INVALID_DATA', { api_name: api, json_path: path }, 'invalid data');
  const accounts = moduleDef('Accounts')!;
  const contacts = moduleDef('Contacts')!;
  const deals = moduleDef('Deals')!;

  const accountId = idOf(input['Accounts']);
  if (input['Accounts'] !== undefined && (!accountId || !table(c.s, 'Accounts').has(accountId))) return bad('Accounts', '$.data[0].Accounts');
  const contactId = idOf(input['Contacts']);
  if (input['Contacts'] !== undefined && (!contactId || !table(c.s, 'Contacts').has(contactId))) return bad('Contacts', '$.data[0].Contacts');
  const ownerId = idOf(input['assign_to']);
  if (input['assign_to'] !== undefined && (!ownerId || !c.s.crm.users.has(ownerId))) return bad('assign_to', '$.data[0].assign_to');
  let dealValues: Rec | undefined;
  if (input['Deals'] !== undefined) {
    const deal = input['Deals'];
    if (!isObj(deal)) return crmErr(400, 'INVALID_DATA', { api_name: 'Deals', json_path: '$.data[0].Deals', expected_data_type: 'jsonobject' }, 'invalid data');
    const missing = DEAL_MANDATORY.find((f) => deal[f] === undefined || deal[f] === null || deal[f] === '');
    if (missing) return crmErr(400, 'MANDATORY_NOT_FOUND', { api_name: missing, json_path: `$.data[0].Deals.${missing}` }, 'required field not found');
    const checked = checkRecord(c, deals, deal, 0, true);
    if ('error' in checked) {
      const details = { ...(checked.error['details'] as Rec), json_path: String((checked.error['details'] as Rec)['json_path']).replace('$.data[0].', '$.data[0].Deals.') };
      return crmErr(400, String(checked.error['code']), details, String(checked.error['message']));
    }
    dealValues = checked.values;
  }

  let account: Rec | undefined = accountId ? table(c.s, 'Accounts').get(accountId) : undefined;
  if (!account && typeof lead['Company'] === 'string' && lead['Company'] !== '') {
    account = insertRecord(c, accounts, { Account_Name: lead['Company'], Industry: lead['Industry'] ?? null, Website: lead['Website'] ?? null, Phone: lead['Phone'] ?? null, Annual_Revenue: lead['Annual_Revenue'] ?? null, ...ownerRef(c, ownerId) });
  }
  const accountRef = account ? lookupRef(c.s, 'Accounts', String(account['id'])) : undefined;
  let contact: Rec | undefined = contactId ? table(c.s, 'Contacts').get(contactId) : undefined;
  if (!contact) {
    contact = insertRecord(c, contacts, {
      First_Name: lead['First_Name'] ?? null, Last_Name: lead['Last_Name'], Email: lead['Email'] ?? null, Phone: lead['Phone'] ?? null,
      Mobile: lead['Mobile'] ?? null, Title: lead['Designation'] ?? null, Lead_Source: lead['Lead_Source'] ?? null,
      ...(accountRef ? { Account_Name: accountRef } : {}), ...ownerRef(c, ownerId),
    });
  } else if (accountRef && !contact['Account_Name']) contact['Account_Name'] = accountRef;
  const contactRef = lookupRef(c.s, 'Contacts', String(contact['id']))!;
  const deal = dealValues
    ? insertRecord(c, deals, { ...dealValues, Contact_Name: contactRef, ...(accountRef ? { Account_Name: accountRef } : {}), ...ownerRef(c, ownerId) })
    : undefined;
  lead['$converted'] = true;
  const ref = (m: typeof accounts, r: Rec | undefined) => (r ? { name: recordName(m, r), id: String(r['id']) } : null);
  return json(200, {
    data: [{
      code: 'SUCCESS',
      details: { Contacts: ref(contacts, contact), Deals: ref(deals, deal), Accounts: ref(accounts, account) },
      message: 'The record has been converted successfully',
      status: 'success',
    }],
  });
}

function ownerRef(c: CrmCtx, ownerId: string | undefined): Rec {
  const u = ownerId ? c.s.crm.users.get(ownerId) : undefined;
  return u ? { Owner: { name: u.full_name, id: u.id, email: u.email } } : {};
}
