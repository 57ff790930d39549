import { z } from 'zod';

/**
 * Ticket statuses and priorities are set up per Zoho Desk organization (Setup > Customization), so
 * they cannot be a fixed enum: the descriptions give the defaults and where the org's own show up.
 */
export const deskStatus = z
  .string()
  .min(1)
  .describe('A ticket status: Desk\'s defaults are Open, On Hold, Escalated, Closed; an org may add its own (listed tickets show them)');

export const deskPriority = z
  .string()
  .min(1)
  .describe('A ticket priority: Desk\'s defaults are High, Medium, Low; an org may add its own (listed tickets show them)');
