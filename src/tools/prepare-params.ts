import { AppError } from '../errors.ts';
import type { ZohoApiFor } from '../zoho/get-zoho-api.ts';
import type { ToolApp } from './define-tool.ts';
import { toAppError, type ApiSource, type ExecuteOptions } from './execute-tool-with-repair.ts';
import { createParamRepair, type ParamRepairDeps, type Repair } from './param-repair.ts';

export type PreparedParams = { ok: true; params: Record<string, unknown> } | { ok: false; error: AppError };

/**
 * Makes a call's params what would run, before anyone approves it: the schema, field-name and
 * model repairs executeToolWithRepair would make (each announced as `repair`), without running the
 * tool. So the user approves exactly what will be sent; a call that cannot be made valid fails here.
 */
export function createParamPreparer(deps: ParamRepairDeps & { timeoutMs?: number }) {
  const repairs = createParamRepair(deps);
  return async function prepareParams<A extends ToolApp>(
    api: ApiSource<A>, appType: A, toolName: string, params: unknown, options: Pick<ExecuteOptions, 'callId' | 'onEvent' | 'signal'> = {},
  ): Promise<PreparedParams> {
    const deadline = AbortSignal.timeout(deps.timeoutMs ?? 60_000);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const announce = (repair: Repair) => options.onEvent?.({
      type: 'repair', data: { callId: options.callId ?? '', tool: toolName, attempt: 0, reason: repair.reason, error: repair.error, params: repair.params },
    });
    try {
      const tool = deps.registry.get(toolName);
      if (!tool || tool.app !== appType) throw new AppError('NOT_FOUND', `No ${appType} tool named ${toolName}.`);
      const valid = await repairs.validate(tool, params, signal);
      if (valid.repair) announce(valid.repair);
      if (tool.app !== 'crm') return { ok: true, params: valid.params };
      const instance = typeof api === 'function' ? await api(signal) : api;
      const renamed = await repairs.fieldNames(tool, valid.params, instance as ZohoApiFor<'crm'>, signal);
      if (renamed) announce(renamed);
      return { ok: true, params: renamed?.params ?? valid.params };
    } catch (error) {
      return { ok: false, error: toAppError(error, options.signal, deadline, toolName) };
    }
  };
}

export type PrepareParams = ReturnType<typeof createParamPreparer>;
