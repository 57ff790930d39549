import { z } from 'zod';
import { zohoId } from '../zoho-id.ts';
import { crmModule } from './crm-module.ts';

/** The params of crm_add_tags and crm_remove_tags: tag names on up to 100 records of one module. */
export const tagParams = {
  module: crmModule,
  ids: z.array(zohoId('Record id')).min(1).max(100).describe('Ids of the records, 1 to 100'),
  tags: z.array(z.string().trim().min(1).max(25)).min(1).max(10).describe('Tag names, 1 to 10, each at most 25 characters'),
};

/** One line per record from the mass tag answer (tags.json Record_Success_Wrapper; failed items keep Zoho's code). */
export function tagResults(body: any): Array<Record<string, unknown>> {
  return (body?.data ?? []).map((item: any) =>
    item?.status === 'success'
      ? { id: item.details?.id, ok: true, tags: (item.details?.tags ?? []).map((t: any) => t?.name) }
      : { id: item?.details?.id, ok: false, code: item?.code, message: item?.message });
}
