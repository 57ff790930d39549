import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's root folder (where package.json, drizzle/ and web/ are), found by walking up from this
 * file: the same answer whether it runs from src/ (tests, tsx) or compiled from dist/src/ (`npm start`),
 * so no path in the code depends on how deep the compiled layout puts it.
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith('/dist')) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export const PROJECT_ROOT = findRoot();

/** A path under the package root, e.g. `projectPath('drizzle')`. */
export function projectPath(...parts: string[]): string {
  return join(PROJECT_ROOT, ...parts);
}
