import { describe, expect, it } from 'vitest';
import { missingScopes, splitScopes } from '../../src/zoho/scope-coverage.ts';

describe('scope coverage', () => {
  it('counts a scope as granted by itself, by its area\'s ALL, case-insensitively', () => {
    expect(missingScopes(['ZohoCRM.settings.READ', 'Desk.basic.READ'], ['zohocrm.settings.all', 'Desk.basic.READ'])).toEqual([]);
  });

  it('counts ALL as granted by all four operations, and not by fewer', () => {
    const crud = ['READ', 'CREATE', 'UPDATE', 'DELETE'].map((op) => `Desk.tickets.${op}`);
    expect(missingScopes(['Desk.tickets.ALL'], crud)).toEqual([]);
    expect(missingScopes(['Desk.tickets.ALL'], crud.slice(0, 3))).toEqual(['Desk.tickets.ALL']);
  });

  it('does not let a module-level grant stand for all modules', () => {
    expect(missingScopes(['ZohoCRM.modules.ALL', 'ZohoCRM.org.READ'], ['ZohoCRM.modules.leads.ALL'])).toEqual(['ZohoCRM.modules.ALL', 'ZohoCRM.org.READ']);
  });

  it('reads a token answer\'s scope whether Zoho separates it with spaces or commas', () => {
    expect(splitScopes('ZohoCRM.modules.ALL Desk.tickets.READ')).toEqual(['ZohoCRM.modules.ALL', 'Desk.tickets.READ']);
    expect(splitScopes('a,b')).toEqual(['a', 'b']);
    expect(splitScopes(undefined)).toBeUndefined();
    expect(splitScopes('  ')).toBeUndefined();
  });
});
