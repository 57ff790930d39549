import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';
import { zohoId } from '../zoho-id.ts';
import { recordFields } from './record-fields.ts';

export const crmConvertLead = defineTool({
  name: 'crm_convert_lead',
  app: 'crm',
  effect: 'write',
  description: [
    'Convert a Zoho CRM lead into a contact and an account (from the lead\'s Company), and optionally a deal.',
    'To attach the lead to records that already exist give accountId or contactId instead of creating new ones.',
    'deal needs Deal_Name, Stage and Closing_Date (see crm_get_fields for Deals). Owner of the new records: assignToUserId (crm_list_users).',
    'A lead can be converted once. Example: {"id":"5725767000000412345","deal":{"Deal_Name":"Acme renewal","Stage":"Qualification","Closing_Date":"2025-12-31"}}',
  ].join(' '),
  input: z
    .object({
      id: zohoId('Id of the lead to convert'),
      accountId: zohoId('Existing account to add the contact to, instead of creating one').optional(),
      contactId: zohoId('Existing contact to merge the lead into, instead of creating one').optional(),
      assignToUserId: zohoId('CRM user who owns the new records (crm_list_users); default: the lead owner').optional(),
      deal: recordFields.optional().describe('Also create a deal: field API names of Deals to values; needs Deal_Name, Stage, Closing_Date'),
      overwrite: z.boolean().optional().describe('true replaces the existing account or contact fields with the lead\'s; default false'),
      notifyLeadOwner: z.boolean().optional().describe('Email the lead owner about the conversion; default false'),
      notifyNewEntityOwner: z.boolean().optional().describe('Email the owner of the new records; default false'),
    })
    .strict(),
  async run(p, { client, signal }) {
    const result: any = await client.convertLead(
      p.id,
      {
        overwrite: p.overwrite ?? false,
        notify_lead_owner: p.notifyLeadOwner ?? false,
        notify_new_entity_owner: p.notifyNewEntityOwner ?? false,
        ...(p.accountId ? { Accounts: { id: p.accountId } } : {}),
        ...(p.contactId ? { Contacts: { id: p.contactId } } : {}),
        ...(p.assignToUserId ? { assign_to: { id: p.assignToUserId } } : {}),
        ...(p.deal ? { Deals: p.deal } : {}),
      },
      { signal },
    );
    const d = result?.details ?? {};
    return { message: result?.message, contact: d.Contacts ?? null, account: d.Accounts ?? null, deal: d.Deals ?? null };
  },
  summarize: (p) =>
    `Convert Zoho CRM lead ${p.id} into ${p.contactId ? `contact ${p.contactId}` : 'a new contact'} and ${p.accountId ? `account ${p.accountId}` : 'an account'}` +
    `${p.deal ? `, with a new deal${typeof p.deal.Deal_Name === 'string' ? ` "${p.deal.Deal_Name}"` : ''}` : ''}.`,
});
