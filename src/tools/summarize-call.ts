import type { AnyTool } from './define-tool.ts';

/**
 * The tool's own sentence for a call ("Search Leads for ada@example.com."), or undefined when it
 * has no `summarize` or these params do not make one. Params the model sent may not have passed
 * the schema yet (a repair may still fix them): summarize reads only a few fields, so it is tried
 * on them as they are, and a sentence showing a missing value is not used.
 */
export function summarizeCall(tool: AnyTool | undefined, params: unknown): string | undefined {
  if (!tool?.summarize || !params || typeof params !== 'object' || Array.isArray(params)) return undefined;
  const parsed = tool.input.safeParse(params);
  let sentence: unknown;
  try {
    sentence = tool.summarize((parsed.success ? parsed.data : params) as never);
  } catch {
    return undefined;
  }
  if (typeof sentence !== 'string' || !sentence.trim() || /\bundefined\b|\[object Object\]|\bNaN\b/.test(sentence)) return undefined;
  return sentence.length > 300 ? `${sentence.slice(0, 297)}...` : sentence;
}
