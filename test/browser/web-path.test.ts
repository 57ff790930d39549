import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { resolveWebUrl } from '../../src/browser/web-path.ts';

const BASE = 'https://crm.zoho.eu';
const defaults = { home: '/crm/org123/tab/Home/begin', crmOrgId: '123' };

function refusal(path: string): AppError {
  try {
    resolveWebUrl(BASE, path, defaults);
  } catch (error) {
    return error as AppError;
  }
  throw new Error(`${path} was accepted`);
}

describe('the path of a browser call', () => {
  it('opens a record page on the app host, and the home page without a path', () => {
    expect(resolveWebUrl(BASE, '/crm/org123/tab/Leads/456', defaults).href).toBe('https://crm.zoho.eu/crm/org123/tab/Leads/456');
    expect(resolveWebUrl(BASE, undefined, defaults).href).toBe('https://crm.zoho.eu/crm/org123/tab/Home/begin');
    expect(resolveWebUrl(BASE, '', defaults).href).toBe('https://crm.zoho.eu/crm/org123/tab/Home/begin');
  });

  it('adds the CRM org to /crm/tab/ paths, so the model needs no org id', () => {
    expect(resolveWebUrl(BASE, '/crm/tab/Leads/456', defaults).pathname).toBe('/crm/org123/tab/Leads/456');
    expect(resolveWebUrl(BASE, '/crm/tab/Leads/456', { home: '/crm/' }).pathname).toBe('/crm/tab/Leads/456');
  });

  it('keeps a query and a fragment (Desk routes by fragment)', () => {
    const url = resolveWebUrl('https://desk.zoho.com', '/agent/acme/support/tickets/details/789?tab=threads#comments', defaults);
    expect(url.href).toBe('https://desk.zoho.com/agent/acme/support/tickets/details/789?tab=threads#comments');
  });

  it.each([
    ['//evil.example', 'single "/"'],
    ['//evil.example/crm', 'single "/"'],
    ['@evil.example', 'single "/"'],
    ['evil.example/crm', 'single "/"'],
    ['https://evil.example/', 'single "/"'],
    ['file:///etc/passwd', 'single "/"'],
    ['data:text/html,<script>1</script>', 'single "/"'],
    ['chrome://settings', 'single "/"'],
    ['javascript:alert(1)', 'single "/"'],
    ['/@evil.example', '"@"'],
    ['/\\evil.example', '"\\"'],
    ['/crm/../../etc/passwd', '".."'],
    ['/crm/./tab', '"."'],
    ['/crm/%2e%2e/%2e%2e/admin', '".."'],
    ['/crm/%2E%2E/admin', '".."'],
    ['/crm/.%2e/admin', '".."'],
    ['/crm/%252e%252e/admin', '".."'],
    ['/%2F%2Fevil.example', '"//"'],
    ['/%252F%252Fevil.example', '"//"'],
    ['/%5Cevil.example', '"\\"'],
    ['/%40evil.example', '"@"'],
    ['/crm/%00/x', 'control'],
    ['/crm/%0d%0aSet-Cookie:x', 'control'],
    ['/crm/\tx', 'printable'],
    ['/crm/ x', 'printable'],
    ['/crm/\u00e9', 'printable'],
    ['/crm/%E0%A4%A', 'malformed'],
    ['/crm/%25252525252e%25252525252e/x', 'too many'],
    ['/' + 'a'.repeat(2100), '2048'],
  ])('refuses %j before any browser starts', (path, why) => {
    const error = refusal(path);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('INVALID_PARAMS');
    expect(error.message).toContain('- path:');
    expect(error.message).toContain(why);
    expect(error.details?.fields).toEqual([expect.objectContaining({ field: 'path' })]);
  });

  it('never ends on another origin, whatever the path', () => {
    for (const path of ['/crm', '/a/b/c?x=//evil.example', '/a#//evil.example', '/a?next=https://evil.example']) {
      expect(resolveWebUrl(BASE, path, defaults).origin).toBe(BASE);
    }
  });
});
