import type { CheckLine } from './check-line.ts';

/** `✔ database reachable (PGlite .data/pglite)`, `✘ CRM org id: … → fix: …`, `– … : skipped …`. */
export function formatLine(line: CheckLine): string {
  if (line.skipped) return `– ${line.name}: ${line.detail}`;
  if (line.ok) return `✔ ${line.name} (${line.detail})`;
  return `✘ ${line.name}: ${line.detail}${line.fix ? ` → fix: ${line.fix}` : ''}`;
}

/** The checklist plus one summary line. */
export function formatReport(lines: CheckLine[]): string {
  const run = lines.filter((l) => !l.skipped);
  const failed = run.filter((l) => !l.ok).length;
  const summary = failed === 0 ? `All ${run.length} checks passed.` : `${failed} of ${run.length} checks failed.`;
  return [...lines.map(formatLine), '', summary].join('\n');
}

/**
 * Replaces any known secret value with `***`. The checks never print one; this is the last
 * guard in case an upstream message echoes one. Values under 8 characters are left alone, since
 * masking them would mangle ordinary words.
 */
export function maskSecrets(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 8) out = out.split(secret).join('***');
  return out;
}
