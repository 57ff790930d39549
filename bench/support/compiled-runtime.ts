// The runtime's code as production runs it: compiled to dist/ by `npm run build` (tsconfig.build.json), the
// same build `npm start` makes. The parent builds it once per bench process (incremental: seconds when nothing
// changed); the runtime child imports its modules from dist/. BENCH_RUNTIME=src runs the TypeScript sources
// through tsx instead (what `npm start` did before), to compare the two.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = new URL('../../', import.meta.url);
let built: Promise<void> | undefined;

export const runtimeFromSources = (): boolean => process.env.BENCH_RUNTIME === 'src';

/** Builds dist/ once (parent side); a no-op with BENCH_RUNTIME=src. */
export function ensureCompiledRuntime(): Promise<void> {
  if (runtimeFromSources()) return Promise.resolve();
  built ??= promisify(execFile)(process.execPath, [fileURLToPath(new URL('node_modules/typescript/bin/tsc', ROOT)), '-p', 'tsconfig.build.json'], {
    cwd: fileURLToPath(ROOT),
  }).then(() => undefined);
  return built;
}

/** The URL to import a runtime module from (child side): `src/compose.ts` → dist/src/compose.js. */
export function runtimeModule(path: `src/${string}.ts`): string {
  return new URL(runtimeFromSources() ? path : `dist/${path.replace(/\.ts$/, '.js')}`, ROOT).href;
}
