import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';

export const browserNavigateAndScreenshot = defineTool({
  name: 'browser_navigate_and_screenshot',
  app: 'browser',
  effect: 'read',
  description: [
    "See a page of the user's Zoho CRM or Desk web UI as they see it (layout, widgets, blueprint state, a dashboard, a report):",
    'returns its url, title, a text summary and a screenshot you receive as an image. Read only: it never clicks or types.',
    'path: CRM record /crm/tab/{Module}/{recordId} (the org is added); Desk ticket /agent/{portal}/{department}/tickets/details/{id};',
    'none: the home page. On BROWSER_LOGIN_REQUIRED ask the user to sign in to Zoho in the browser, then try again.',
    'Example: {"app":"crm","path":"/crm/tab/Leads/5725767000000412345"}',
  ].join(' '),
  input: z.object({
    app: z.enum(['crm', 'desk']).describe('crm for the Zoho CRM web UI, desk for the Zoho Desk web UI'),
    path: z.string().max(2048).regex(/^\/(?!\/)/, 'a path starting with one "/", such as /crm/tab/Leads/5725767000000412345')
      .optional().describe('A path on that web UI, starting with "/"'),
  }).strict(),
  async run(p, { client, signal, audit }) {
    return client.navigateAndScreenshot(p, { signal, audit });
  },
  summarize: (p) => `Open ${p.path ?? 'the home page'} in the Zoho ${p.app === 'crm' ? 'CRM' : 'Desk'} web UI and take a screenshot.`,
});
