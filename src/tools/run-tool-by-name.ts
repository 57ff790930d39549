import { AppError } from '../errors.ts';
import type { EmitEvent } from '../stream/events.ts';
import type { ExecuteToolWithRepair, ToolOutcome } from './execute-tool-with-repair.ts';
import type { ToolRegistry } from './registry.ts';
import type { GetToolApi } from './tool-api.ts';

export interface RunToolDeps {
  registry: ToolRegistry;
  executeToolWithRepair: ExecuteToolWithRepair;
  /** Resolves a call's API for the caller: Zoho's for crm/desk tools, the browser's for browser tools. */
  getZohoApi: GetToolApi;
}

/** Where a client starts a Zoho web sign-in (DESIGN.md "Browser tools"). */
export const BROWSER_LOGIN_URL = '/api/browser/login';

/**
 * `POST /api/tools/:name`: an agent's own call, run at once (no approval: the caller decided).
 * The Zoho API is resolved for the authenticated caller only; nothing in params can choose it.
 */
export async function runToolByName(
  deps: RunToolDeps,
  userId: string,
  name: string,
  params: unknown,
  options: { onEvent?: EmitEvent; signal?: AbortSignal } = {},
): Promise<ToolOutcome> {
  const tool = deps.registry.get(name);
  if (!tool) throw new AppError('NOT_FOUND', `No tool named ${name}.`, { details: { tool: name } });
  return deps.executeToolWithRepair((signal) => deps.getZohoApi(userId, tool.app, { signal }), tool.app, name, params, options);
}

/** The `action_required` event a failed call deserves, when the user can fix it by connecting Zoho. */
export function actionFor(error: AppError) {
  if (error.code === 'BROWSER_LOGIN_REQUIRED') {
    return { code: 'browser_login_required', message: error.message, url: BROWSER_LOGIN_URL, method: 'POST' };
  }
  if (error.code !== 'ZOHO_NOT_CONNECTED' && error.code !== 'ZOHO_RECONNECT_REQUIRED') return undefined;
  const url = typeof error.details?.connectUrl === 'string' ? error.details.connectUrl : undefined;
  return { code: error.code, message: error.message, ...(url ? { url, method: 'POST' } : {}) };
}
