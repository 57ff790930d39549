import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';

export const browserNavigateAndScreenshot = defineTool({
  name: 'browser_navigate_and_screenshot',
  app: 'browser',
  effect: 'read',
  description: [
    "Open a page of the user's own Zoho CRM or Zoho Desk web UI, signed in as the user, and see it: returns the page URL,",
    'its title, a short text summary, and a screenshot that you receive as an image. Use it for what only the web UI shows',
    '(a record page as the user sees it with its layout, widgets and blueprint state, a dashboard, a report); use the API',
    'tools for data. It only looks: it never clicks or types. path is a path on the web host; CRM record:',
    '/crm/tab/{Module}/{recordId} (the org is added for you), e.g. /crm/tab/Leads/5725767000000412345; Desk ticket:',
    '/agent/{portal}/{department}/tickets/details/{ticketId}. Without path it opens the home page.',
    'If it fails with BROWSER_LOGIN_REQUIRED, tell the user to sign in to Zoho in the browser and then ask again.',
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
