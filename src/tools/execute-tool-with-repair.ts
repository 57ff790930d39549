import { randomUUID } from 'node:crypto';
import { asDatabaseOutage } from '../db/database-errors.ts';
import { AppError, toErrorBody } from '../errors.ts';
import { describeInternalError, type Logger } from '../log.ts';
import type { EmitEvent } from '../stream/events.ts';
import type { ZohoApiFor } from '../zoho/get-zoho-api.ts';
import { markOutcomeUnknown } from '../zoho/outcome-unknown.ts';
import { ZohoApiError } from '../zoho/zoho-api-error.ts';
import { backoffDelayMs, sleep } from './backoff.ts';
import { classifyFailure } from './classify-failure.ts';
import type { ClientFor, ToolApp } from './define-tool.ts';
import { createParamRepair, type ParamRepairDeps, type Repair } from './param-repair.ts';
import type { ToolApiFor } from './tool-api.ts';
import type { ToolCallLog } from './tool-call-log.ts';
import { startDeadline } from '../deadline.ts';

export interface ExecuteOptions {
  callId?: string;
  /** Receives `status`, `repair` and `tool_result`, in that order. */
  onEvent?: EmitEvent;
  signal?: AbortSignal;
  /** One deadline for the whole call, retries included. */
  timeoutMs?: number;
  /** Runs that reach Zoho, at most (default 3). */
  maxAttempts?: number;
  /** The chat run the call belongs to, for the tool-call log. */
  runId?: string;
  /**
   * Run exactly these params (a call the user approved): a repair that would change them is not
   * made; the call fails with REPAIR_NEEDS_APPROVAL and the repair as `proposal`.
   */
  exactParams?: boolean;
}

export type ToolOutcome =
  | { ok: true; callId: string; result: unknown; attempts: number }
  | { ok: false; callId: string; error: AppError; attempts: number; proposal?: Repair };

export interface ToolExecutorDeps extends ParamRepairDeps {
  logger: Logger;
  callLog?: ToolCallLog;
  defaults?: { timeoutMs?: number; maxAttempts?: number; retryBaseMs?: number };
}

/** The API a call runs against, or a function resolving it by the call's signal (a missing connection is a failed result). */
export type ApiSource<A extends ToolApp> = ToolApiFor<A> | ((signal: AbortSignal) => Promise<ToolApiFor<A>>);

export function createToolExecutor(deps: ToolExecutorDeps) {
  const defaultTimeoutMs = deps.defaults?.timeoutMs ?? 60_000;
  const defaultMaxAttempts = deps.defaults?.maxAttempts ?? 3;
  const repairs = createParamRepair(deps);

  /** Runs one tool call (DESIGN.md "executeToolWithRepair"); never throws, the outcome says how it ended. */
  async function executeToolWithRepair<A extends ToolApp>(
    api: ApiSource<A>, appType: A, toolName: string, params: unknown, options: ExecuteOptions = {},
  ): Promise<ToolOutcome> {
    const callId = options.callId ?? randomUUID();
    const emit: EmitEvent = options.onEvent ?? (() => {});
    const started = performance.now();
    const maxAttempts = Math.max(1, options.maxAttempts ?? defaultMaxAttempts);
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    const deadlineAt = Date.now() + timeoutMs;
    const limit = startDeadline(timeoutMs, options.signal);
    const { signal } = limit;
    const tool = deps.registry.get(toolName);
    let attempts = 0;
    let userId: string | undefined;
    let sent: unknown = params;
    let proposal: Repair | undefined;
    let auditedUrl: string | undefined;
    const audit = (facts: { url: string }) => { auditedUrl = facts.url; };
    emit({ type: 'status', data: { message: `Calling Zoho tool: ${toolName}...`, tool: toolName, callId } });

    /** A repair is tried (and announced as `repair`), or, for exact params, kept as the proposal and the call stopped. */
    const apply = (attempt: number, repair: Repair): Record<string, unknown> => {
      if (options.exactParams) {
        proposal = repair;
        throw new AppError('REPAIR_NEEDS_APPROVAL', `${toolName} was not run with other params than the ones you approved: ${repair.error}`);
      }
      emit({ type: 'repair', data: { callId, tool: toolName, attempt, reason: repair.reason, error: repair.error, params: repair.params } });
      sent = repair.params;
      return repair.params;
    };

    try {
      if (!tool) throw new AppError('NOT_FOUND', `No tool named ${toolName}.`);
      if (tool.app !== appType) throw new AppError('INVALID_REQUEST', `${toolName} is a ${tool.app} tool, not ${appType}.`);
      const valid = await repairs.validate(tool, params, signal);
      let current = valid.repair ? apply(0, valid.repair) : valid.params;
      sent = current;
      const instance = typeof api === 'function' ? await api(signal) : api;
      userId = instance.userId;
      const client = instance.client as ClientFor<ToolApp>;
      const renamed = tool.app === 'crm' ? await repairs.fieldNames(tool, current, instance as ZohoApiFor<'crm'>, signal) : undefined;
      if (renamed) current = apply(0, renamed);
      for (;;) {
        attempts += 1;
        try {
          const result = await tool.run(current, { client, signal, audit });
          return finish({ ok: true, callId, result, attempts });
        } catch (error) {
          if (options.signal?.aborted) throw new AppError('ABORTED', 'The call was cancelled.', { cause: error });
          if (limit.timedOut.aborted) throw markOutcomeUnknown(new AppError('TIMEOUT', `${toolName} did not finish within the time limit.`, { cause: error }), tool.effect !== 'read');
          const kind = classifyFailure(error, tool.effect);
          if (kind === 'fail' || attempts >= maxAttempts) throw markOutcomeUnknown(error, tool.effect !== 'read');
          if (kind === 'retry') {
            await waitBeforeRetry(error as ZohoApiError, attempts, signal, deadlineAt);
            continue;
          }
          const repaired = await repairs.afterZohoError(tool, current, error as ZohoApiError, signal);
          if (!repaired) throw error;
          current = apply(attempts, repaired);
        }
      }
    } catch (error) {
      const failure = toAppError(error, options.signal, limit.timedOut, toolName);
      return finish({ ok: false, callId, error: failure, attempts, ...(proposal ? { proposal } : {}) });
    } finally {
      limit.clear();
    }

    function finish(outcome: ToolOutcome): ToolOutcome {
      emit({
        type: 'tool_result',
        data: outcome.ok
          ? { callId, tool: toolName, ok: true, result: outcome.result, attempts: outcome.attempts }
          : { callId, tool: toolName, ok: false, error: toErrorBody(outcome.error), attempts: outcome.attempts },
      });
      if (!outcome.ok && outcome.error.code === 'INTERNAL') {
        deps.logger.error('tool.internal_error', { tool: toolName, callId, error: describeInternalError(outcome.error.cause) });
      } else if (!outcome.ok) {
        deps.logger.warn('tool.failed', { tool: toolName, callId, code: outcome.error.code, message: outcome.error.message });
      }
      if (userId && deps.callLog) {
        deps.callLog.record({
          userId, tool: toolName, app: appType, outcome: outcome.ok ? 'ok' : 'error',
          errorCode: outcome.ok ? undefined : outcome.error.code, attempts: outcome.attempts,
          durationMs: performance.now() - started, params: sent, callId, runId: options.runId, url: auditedUrl,
        });
      }
      return outcome;
    }
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

export function toAppError(thrown: unknown, callerSignal: AbortSignal | undefined, deadline: AbortSignal, toolName: string): AppError {
  const error = asDatabaseOutage(thrown);
  if (error instanceof AppError && error.code !== 'ABORTED') return error;
  if (callerSignal?.aborted || (error instanceof AppError && error.code === 'ABORTED' && !deadline.aborted)) {
    return new AppError('ABORTED', 'The call was cancelled.');
  }
  if (deadline.aborted) return new AppError('TIMEOUT', `${toolName} did not finish within the time limit.`);
  return new AppError('INTERNAL', 'The tool failed unexpectedly.', { cause: error });
}
