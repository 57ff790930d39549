import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export type ChromiumLookup = { ok: true; path: string } | { ok: false; reason: string; fix: string };

const FIX = 'install Chromium (Debian: apt-get install -y chromium) or set BROWSER_EXECUTABLE_PATH to a Chromium or Chrome binary';

/**
 * Where the browser tools' Chromium is: BROWSER_EXECUTABLE_PATH as a path, or a command name
 * (default `chromium`) looked up on the system's PATH. Only checks the file (no process is started),
 * so it is cheap enough for every start-up.
 */
export function findChromium(executable: string, searchPath: string): ChromiumLookup {
  if (executable.includes('/')) {
    if (!isAbsolute(executable)) return { ok: false, reason: `BROWSER_EXECUTABLE_PATH=${executable} is not an absolute path`, fix: FIX };
    return isExecutableFile(executable)
      ? { ok: true, path: executable }
      : { ok: false, reason: `BROWSER_EXECUTABLE_PATH=${executable} is not an executable file`, fix: FIX };
  }
  for (const dir of searchPath.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, executable);
    if (isExecutableFile(candidate)) return { ok: true, path: candidate };
  }
  return { ok: false, reason: `no \`${executable}\` on PATH`, fix: FIX };
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
