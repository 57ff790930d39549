import { z } from 'zod';

/** `from` and `limit` of Zoho Desk's list APIs: a page shorter than `limit` is the last. */
export const deskFrom = z.number().int().min(0).optional().describe('0-based offset of the first item (default 0)');
export const deskLimit = z.number().int().min(1).max(100).optional().describe('Items per page, 1 to 100; a page shorter than this is the last');
