/** Structured log lines (one JSON object per line). Never pass tokens, codes or headers. */
export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'info' | 'warn' | 'error';

/** Keys whose values are never written, whatever a caller passes by mistake. */
const SECRET_KEY = /token|secret|password|authorization|cookie|code_verifier|api_?key/i;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)]),
  );
}

/** A logger writing JSON lines to the given sink (stdout by default). */
export function createLogger(write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Logger {
  const emit = (level: LogLevel, event: string, fields?: Record<string, unknown>) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, event, ...(redact(fields ?? {}) as object) }));
  return {
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
  };
}

/** A logger that keeps lines in memory (tests read them to prove no secret is logged). */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger((l) => lines.push(l)), { lines });
}

/**
 * An unexpected error as one log string: each message of its cause chain and the top stack frames.
 * drizzle's "Failed query" message carries the statement's bound values (a user's data, encrypted
 * tokens), so they are left out: the statement says what failed.
 */
export function describeInternalError(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (!(e instanceof Error)) {
      parts.push(String(e));
      break;
    }
    parts.push(`${e.name}: ${e.message.replace(/\nparams: [\s\S]*$/, '\nparams: [not logged]')}`);
  }
  const frames = error instanceof Error ? (error.stack ?? '').split('\n').filter((l) => l.startsWith('    at ')).slice(0, 10) : [];
  return [parts.join('\ncaused by: '), ...frames].join('\n');
}
