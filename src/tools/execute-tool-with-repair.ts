import { randomUUID } from 'node:crypto';
import { asDatabaseOutage } from '../db/database-errors.ts';
import { AppError, toErrorBody } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { EmitEvent } from '../stream/events.ts';
import type { AppType, ZohoApiFor } from '../zoho/get-zoho-api.ts';
import { markOutcomeUnknown } from '../zoho/outcome-unknown.ts';
import { ZohoApiError } from '../zoho/zoho-api-error.ts';
import { backoffDelayMs, sleep } from './backoff.ts';
import { classifyFailure, describeZohoError } from './classify-failure.ts';
import type { AnyTool, ClientFor } from './define-tool.ts';
import type { ToolRegistry } from './registry.ts';
import { repairCrmFieldNames } from './repair/crm-field-repair.ts';
import { repairAgainstSchema } from './repair/deterministic-repair.ts';
import type { FieldCatalog } from './repair/field-catalog.ts';
import type { ModelRepair } from './repair/model-repair.ts';
import type { ToolCallLog } from './tool-call-log.ts';
import { describeFieldErrors, validateParams, type FieldError } from './validate-params.ts';

export interface ExecuteOptions {
  callId?: string;
  /** Receives `status`, `repair` and `tool_result`, in that order. */
  onEvent?: EmitEvent;
  signal?: AbortSignal;
  /** One deadline for the whole call, retries included. */
  timeoutMs?: number;
  /** Runs that reach Zoho, at most (default 3). */
  maxAttempts?: number;
}

export type ToolOutcome =
  | { ok: true; callId: string; result: unknown; attempts: number }
  | { ok: false; callId: string; error: AppError; attempts: number };

export interface ToolExecutorDeps {
  registry: ToolRegistry;
  fieldCatalog: FieldCatalog;
  logger: Logger;
  modelRepair?: ModelRepair;
  callLog?: ToolCallLog;
  defaults?: { timeoutMs?: number; maxAttempts?: number; retryBaseMs?: number };
}

/**
 * The API a call runs against, or a function resolving it (so a missing connection becomes a failed
 * result); it gets the call's signal, so waiting for a token refresh ends at the call's deadline.
 */
export type ApiSource<A extends AppType> = ZohoApiFor<A> | ((signal: AbortSignal) => Promise<ZohoApiFor<A>>);

export function createToolExecutor(deps: ToolExecutorDeps) {
  const defaultTimeoutMs = deps.defaults?.timeoutMs ?? 60_000;
  const defaultMaxAttempts = deps.defaults?.maxAttempts ?? 3;

  /** Runs one tool call (DESIGN.md "executeToolWithRepair"); never throws, the outcome says how it ended. */
  async function executeToolWithRepair<A extends AppType>(
    api: ApiSource<A>, appType: A, toolName: string, params: unknown, options: ExecuteOptions = {},
  ): Promise<ToolOutcome> {
    const callId = options.callId ?? randomUUID();
    const emit: EmitEvent = options.onEvent ?? (() => {});
    const started = performance.now();
    const maxAttempts = Math.max(1, options.maxAttempts ?? defaultMaxAttempts);
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    const deadlineAt = Date.now() + timeoutMs;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const tool = deps.registry.get(toolName);
    let attempts = 0;
    let userId: string | undefined;
    let sent: unknown = params;
    emit({ type: 'status', data: { message: `Calling Zoho tool: ${toolName}...`, tool: toolName, callId } });

    const repairEvent = (attempt: number, reason: string, error: string, next: unknown) =>
      emit({ type: 'repair', data: { callId, tool: toolName, attempt, reason, error, params: next } });

    try {
      if (!tool) throw new AppError('NOT_FOUND', `No tool named ${toolName}.`);
      if (tool.app !== appType) throw new AppError('INVALID_REQUEST', `${toolName} is a ${tool.app} tool, not ${appType}.`);
      let current = await validateWithRepair(tool, params, signal, repairEvent);
      sent = current;
      const instance = typeof api === 'function' ? await api(signal) : api;
      userId = instance.userId;
      const client = instance.client as ClientFor<AppType>;
      if (tool.app === 'crm') {
        current = await fixCrmNames(tool, current, instance as ZohoApiFor<'crm'>, signal, (renamed, next) =>
          repairEvent(0, 'field_names', renamed, next));
        sent = current;
      }
      for (;;) {
        attempts += 1;
        try {
          const result = await tool.run(current, { client, signal });
          return finish({ ok: true, callId, result, attempts });
        } catch (error) {
          if (options.signal?.aborted) throw new AppError('ABORTED', 'The call was cancelled.', { cause: error });
          const wrote = tool.effect !== 'read';
          if (deadline.aborted) throw markOutcomeUnknown(new AppError('TIMEOUT', `${toolName} did not finish within the time limit.`, { cause: error }), wrote);
          const kind = classifyFailure(error, tool.effect);
          if (kind === 'fail' || attempts >= maxAttempts) throw markOutcomeUnknown(error, wrote);
          if (kind === 'retry') {
            await waitBeforeRetry(error as ZohoApiError, attempts, signal, deadlineAt);
            continue;
          }
          const repaired = await repairAfterZohoError(tool, current, error as ZohoApiError, signal);
          if (!repaired) throw error;
          repairEvent(attempts, repaired.reason, describeZohoError(error as ZohoApiError), repaired.params);
          current = repaired.params;
          sent = current;
        }
      }
    } catch (error) {
      const failure = toAppError(error, options.signal, deadline, toolName);
      return finish({ ok: false, callId, error: failure, attempts });
    }

    function finish(outcome: ToolOutcome): ToolOutcome {
      emit({
        type: 'tool_result',
        data: outcome.ok
          ? { callId, tool: toolName, ok: true, result: outcome.result, attempts: outcome.attempts }
          : { callId, tool: toolName, ok: false, error: toErrorBody(outcome.error), attempts: outcome.attempts },
      });
      if (!outcome.ok && outcome.error.code === 'INTERNAL') {
        deps.logger.error('tool.internal_error', { tool: toolName, callId, error: String((outcome.error.cause as Error)?.stack ?? outcome.error.cause) });
      } else if (!outcome.ok) {
        deps.logger.warn('tool.failed', { tool: toolName, callId, code: outcome.error.code, message: outcome.error.message });
      }
      if (userId && deps.callLog) {
        deps.callLog.record({
          userId, tool: toolName, app: appType, outcome: outcome.ok ? 'ok' : 'error',
          errorCode: outcome.ok ? undefined : outcome.error.code, attempts: outcome.attempts,
          durationMs: performance.now() - started, params: sent,
        });
      }
      return outcome;
    }
  }

  /** Schema first; then the deterministic fixes; then the model. Emits `repair` only for params about to be tried. */
  async function validateWithRepair(
    tool: AnyTool, params: unknown, signal: AbortSignal, onRepair: (attempt: number, reason: string, error: string, next: unknown) => void,
  ): Promise<Record<string, unknown>> {
    const first = validateParams(tool, params ?? {});
    if (first.ok) return first.params;
    const schema = deps.registry.jsonSchemaOf(tool.name)!;
    const fixed = repairAgainstSchema(params ?? {}, schema);
    let errors: FieldError[] = first.errors;
    if (fixed.changed) {
      const second = validateParams(tool, fixed.params);
      if (second.ok) {
        onRepair(0, 'schema', describeFieldErrors(first.errors), fixed.params);
        return second.params;
      }
      errors = second.errors;
    }
    if (deps.modelRepair) {
      const suggestion = await deps.modelRepair({
        toolName: tool.name, description: tool.description, inputSchema: schema, params: fixed.params, error: describeFieldErrors(errors), signal,
      }).catch((error) => {
        deps.logger.warn('tool.model_repair_failed', { tool: tool.name, message: (error as Error).message });
        return undefined;
      });
      const third = suggestion && validateParams(tool, suggestion);
      if (third?.ok) {
        onRepair(0, 'model', describeFieldErrors(errors), third.params);
        return third.params;
      }
      if (third) errors = third.errors;
    }
    throw new AppError('INVALID_PARAMS', `Invalid params for ${tool.name}:\n${describeFieldErrors(errors)}`, { details: { fields: errors } });
  }

  async function fixCrmNames(
    tool: AnyTool, params: Record<string, unknown>, api: ZohoApiFor<'crm'>, signal: AbortSignal, onRename: (text: string, next: unknown) => void,
  ): Promise<Record<string, unknown>> {
    if (tool.effect === 'read' && !Array.isArray(params.fields)) return params;
    const fixed = await repairCrmFieldNames(params, { client: api.client, catalog: deps.fieldCatalog, connectionId: api.connectionId, signal })
      .catch(() => ({ params, renames: [] }));
    if (fixed.renames.length === 0) return params;
    const valid = validateParams(tool, fixed.params);
    if (!valid.ok) return params;
    onRename(fixed.renames.map((r) => `- ${r.from}: not a field API name; using ${r.to}`).join('\n'), valid.params);
    return valid.params;
  }

  async function repairAfterZohoError(tool: AnyTool, params: Record<string, unknown>, error: ZohoApiError, signal: AbortSignal) {
    if (!deps.modelRepair) return undefined;
    const schema = deps.registry.jsonSchemaOf(tool.name)!;
    const suggestion = await deps.modelRepair({
      toolName: tool.name, description: tool.description, inputSchema: schema, params, error: describeZohoError(error), signal,
    }).catch(() => undefined);
    const valid = suggestion && validateParams(tool, suggestion);
    if (!valid?.ok || JSON.stringify(valid.params) === JSON.stringify(params)) return undefined;
    return { reason: 'model', params: valid.params };
  }

  /** Honours `Retry-After`; a wait that would outlast the deadline gives up at once with Zoho's error. */
  async function waitBeforeRetry(error: ZohoApiError, attempt: number, signal: AbortSignal, deadlineAt: number): Promise<void> {
    const waitMs = error.retryAfter !== undefined ? error.retryAfter * 1000 : backoffDelayMs(attempt, { baseMs: deps.defaults?.retryBaseMs });
    if (Date.now() + waitMs >= deadlineAt) throw error;
    await sleep(waitMs, signal);
  }

  return { executeToolWithRepair };
}

export type ExecuteToolWithRepair = ReturnType<typeof createToolExecutor>['executeToolWithRepair'];

function toAppError(thrown: unknown, callerSignal: AbortSignal | undefined, deadline: AbortSignal, toolName: string): AppError {
  const error = asDatabaseOutage(thrown);
  if (error instanceof AppError && error.code !== 'ABORTED') return error;
  if (callerSignal?.aborted || (error instanceof AppError && error.code === 'ABORTED' && !deadline.aborted)) {
    return new AppError('ABORTED', 'The call was cancelled.');
  }
  if (deadline.aborted) return new AppError('TIMEOUT', `${toolName} did not finish within the time limit.`);
  return new AppError('INTERNAL', 'The tool failed unexpectedly.', { cause: error });
}
