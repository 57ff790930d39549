import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { ZohoApiFor } from '../zoho/get-zoho-api.ts';
import type { ZohoApiError } from '../zoho/zoho-api-error.ts';
import { describeZohoError } from './classify-failure.ts';
import type { AnyTool } from './define-tool.ts';
import type { ToolRegistry } from './registry.ts';
import { repairCrmFieldNames } from './repair/crm-field-repair.ts';
import { repairAgainstSchema } from './repair/deterministic-repair.ts';
import type { FieldCatalog } from './repair/field-catalog.ts';
import type { ModelRepair } from './repair/model-repair.ts';
import { describeFieldErrors, validateParams, type FieldError } from './validate-params.ts';

/** Params a repair made, why (`schema`, `field_names`, `model`) and what failed before it. */
export interface Repair {
  params: Record<string, unknown>;
  reason: string;
  error: string;
}

export interface ParamRepairDeps {
  registry: ToolRegistry;
  fieldCatalog: FieldCatalog;
  logger: Logger;
  modelRepair?: ModelRepair;
}

/**
 * The repairs of executeToolWithRepair (DESIGN.md step 3), each returning the params it made and
 * why, so the executor can run them, or, for an approved call, report them instead.
 */
export function createParamRepair(deps: ParamRepairDeps) {
  const askModel = (tool: AnyTool, params: unknown, error: string, signal: AbortSignal) =>
    deps.modelRepair?.({ toolName: tool.name, description: tool.description, inputSchema: deps.registry.jsonSchemaOf(tool.name)!, params, error, signal })
      .catch((e) => {
        deps.logger.warn('tool.model_repair_failed', { tool: tool.name, message: (e as Error).message });
        return undefined;
      });

  return {
    /** Valid params as given (no repair), a repair that makes them valid, or INVALID_PARAMS naming the fields. */
    async validate(tool: AnyTool, params: unknown, signal: AbortSignal): Promise<{ params: Record<string, unknown>; repair?: Repair }> {
      const first = validateParams(tool, params ?? {});
      if (first.ok) return { params: first.params };
      const fixed = repairAgainstSchema(params ?? {}, deps.registry.jsonSchemaOf(tool.name)!);
      let errors: FieldError[] = first.errors;
      if (fixed.changed) {
        const second = validateParams(tool, fixed.params);
        if (second.ok) return { params: second.params, repair: { params: second.params, reason: 'schema', error: describeFieldErrors(first.errors) } };
        errors = second.errors;
      }
      const suggestion = await askModel(tool, fixed.params, describeFieldErrors(errors), signal);
      const third = suggestion && validateParams(tool, suggestion);
      if (third?.ok) return { params: third.params, repair: { params: third.params, reason: 'model', error: describeFieldErrors(errors) } };
      if (third) errors = third.errors;
      throw new AppError('INVALID_PARAMS', `Invalid params for ${tool.name}:\n${describeFieldErrors(errors)}`, { details: { fields: errors } });
    },

    /** CRM field names put in their API-name form (Zoho drops unknown keys silently); undefined when none changes. */
    async fieldNames(tool: AnyTool, params: Record<string, unknown>, api: ZohoApiFor<'crm'>, signal: AbortSignal): Promise<Repair | undefined> {
      if (tool.app !== 'crm' || (tool.effect === 'read' && !Array.isArray(params.fields))) return undefined;
      const fixed = await repairCrmFieldNames(params, { client: api.client, catalog: deps.fieldCatalog, connectionId: api.connectionId, signal })
        .catch(() => ({ params, renames: [] }));
      if (fixed.renames.length === 0) return undefined;
      const valid = validateParams(tool, fixed.params);
      if (!valid.ok) return undefined;
      return { params: valid.params, reason: 'field_names', error: fixed.renames.map((r) => `- ${r.from}: not a field API name; using ${r.to}`).join('\n') };
    },

    /** The model's correction after Zoho refused the params; undefined when it has none that differs. */
    async afterZohoError(tool: AnyTool, params: Record<string, unknown>, error: ZohoApiError, signal: AbortSignal): Promise<Repair | undefined> {
      const suggestion = await askModel(tool, params, describeZohoError(error), signal);
      const valid = suggestion && validateParams(tool, suggestion);
      if (!valid?.ok || JSON.stringify(valid.params) === JSON.stringify(params)) return undefined;
      return { params: valid.params, reason: 'model', error: describeZohoError(error) };
    },
  };
}

export type ParamRepair = ReturnType<typeof createParamRepair>;
