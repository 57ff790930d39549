import { z } from 'zod';

/** A CRM module API name (Leads, Contacts, Accounts, Deals, a custom module's api_name). */
export const crmModule = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a module API name such as Leads or Deals (see crm_list_modules)')
  .describe('Module API name, e.g. Leads or Deals (crm_list_modules lists them)');
