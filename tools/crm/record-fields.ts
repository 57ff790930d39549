import { z } from 'zod';

/**
 * One CRM record to write: field API names to values (a lookup is {"id": "..."}). Keys are not
 * pattern-checked here: a label or a wrong case ("Last Name", "last_name") is mapped to the API
 * name by the repair step that reads the module's fields, which needs the schema to let it through.
 */
export const recordFields = z
  .record(z.string().min(1), z.unknown())
  .refine((r) => Object.keys(r).length > 0, { message: 'give at least one field' })
  .describe('Field API names to values, at least one, e.g. {"Last_Name":"Smith","Email":"a@b.com","Account_Name":{"id":"5725767000000412345"}}');
