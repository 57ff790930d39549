import { z } from 'zod';

/** `page` and `perPage` of Zoho CRM's list APIs (`page`, `per_page`: at most 200 a page). */
export const crmPage = z.number().int().min(1).optional().describe('Page number, from 1 (default 1)');
export const crmPerPage = z.number().int().min(1).max(200).optional().describe('Records per page, 1 to 200 (default 200)');
