import { describe, expect, it } from 'vitest';
import { capResult } from '../../src/tools/cap-result.ts';

describe('capResult', () => {
  it('leaves a small result as it is', () => {
    expect(capResult({ records: [1, 2] }, 100)).toEqual({ text: '{"records":[1,2]}', truncated: false });
  });

  it('keeps whole records of a long list and says how many were cut', () => {
    const records = Array.from({ length: 5000 }, (_, i) => ({ id: String(i), Last_Name: `Name ${i}`, Email: `p${i}@example.com` }));
    const capped = capResult({ records, info: { more_records: true } }, 2000);
    expect(capped.truncated).toBe(true);
    const [json, note] = capped.text.split('\n');
    expect(json!.length).toBeLessThanOrEqual(2000);
    const parsed = JSON.parse(json!);
    expect(parsed.info).toEqual({ more_records: true });
    expect(parsed.records.length).toBeGreaterThan(0);
    expect(note).toContain(`of 5000 items in "records"`);
  });

  it('cuts a 5 MB string to the cap with a note', () => {
    const capped = capResult({ description: 'x'.repeat(5_000_000) }, 1000);
    expect(capped.text.length).toBeLessThan(1200);
    expect(capped.text).toContain('[truncated:');
  });
});
