import { z } from 'zod';

/**
 * A Zoho record id: CRM and Desk ids are 19-digit numbers that overflow a JS number, so they
 * travel as digit strings; `what` names the id in the description the model reads.
 */
export function zohoId(what: string) {
  return z
    .string()
    .regex(/^\d{1,30}$/, 'a Zoho id is a string of digits, e.g. "5725767000000412345"')
    .describe(`${what}: a string of digits`);
}
