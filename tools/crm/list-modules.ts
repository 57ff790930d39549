import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.ts';

export const crmListModules = defineTool({
  name: 'crm_list_modules',
  app: 'crm',
  effect: 'read',
  description: [
    'List the Zoho CRM modules this user can reach through the API, with their API names and labels.',
    'Use it first when you do not know the exact module API name (e.g. "Deals" vs "Potentials", custom modules);',
    'every other crm_ tool takes the api_name returned here. Takes no parameters: {}',
  ].join(' '),
  input: z.object({}).strict(),
  async run(_p, { client, signal }) {
    const body = await client.listModules({ signal });
    const modules: any[] = body?.modules ?? [];
    return {
      modules: modules
        .filter((m) => m.api_supported !== false)
        .map((m) => ({
          api_name: m.api_name,
          module_name: m.module_name,
          singular_label: m.singular_label,
          plural_label: m.plural_label,
          generated_type: m.generated_type,
          creatable: m.creatable,
          editable: m.editable,
          deletable: m.deletable,
          viewable: m.viewable,
        })),
    };
  },
  summarize: () => 'List the Zoho CRM modules.',
});
