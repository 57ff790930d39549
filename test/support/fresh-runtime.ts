import { afterEach, beforeEach } from 'vitest';
import type { TestDatabase } from './databases.ts';
import type { FakeZoho } from './fake-zoho.ts';
import { startTestRuntime, type TestRuntime, type TestRuntimeOptions } from './test-runtime.ts';

/**
 * A runtime on a fresh, empty database for every test of the file (and the fake's log cleared):
 * call it in a describe; it returns the current test's runtime.
 */
export function freshRuntimeEach(
  database: TestDatabase,
  fake: () => FakeZoho,
  options: Omit<TestRuntimeOptions, 'fake' | 'database'> = {},
): () => TestRuntime {
  let current: { t: TestRuntime; drop: () => Promise<void> } | undefined;
  beforeEach(async () => {
    const db = database.create();
    current = { t: await startTestRuntime({ ...options, fake: fake(), database: db.options }), drop: db.drop };
    fake().reset();
  });
  afterEach(async () => {
    await current?.t.close();
    await current?.drop();
    current = undefined;
  });
  return () => current!.t;
}
