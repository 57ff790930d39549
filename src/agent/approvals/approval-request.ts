import type { ToolRegistry } from '../../tools/registry.ts';
import { summarizeCall } from '../../tools/summarize-call.ts';
import type { TranscriptMessage, TurnCall } from '../transcript.ts';
import { knownNames } from './known-names.ts';
import { hashParams } from './params-hash.ts';
import type { PausedCall } from './pending-run-store.ts';

/**
 * A call waiting for the user's decision: exactly the params that will run, their hash, and one
 * sentence saying what will happen, with the names the conversation gave for its ids
 * ("Delete the Leads record Ada Lovelace (5725767000000412345).").
 */
export function approvalRequest(
  registry: ToolRegistry, call: Pick<TurnCall, 'callId' | 'toolCallId' | 'name'>, params: Record<string, unknown>, transcript: readonly TranscriptMessage[],
): PausedCall {
  const tool = registry.get(call.name);
  const names = knownNames(transcript, params);
  let summary = summarizeCall(tool, params) ?? `Run ${call.name}.`;
  for (const [id, name] of Object.entries(names)) summary = summary.replaceAll(id, `${name} (${id})`);
  return {
    callId: call.callId, toolCallId: call.toolCallId, tool: call.name, params, paramsHash: hashParams(params), summary,
    effect: tool?.effect, names,
  };
}
