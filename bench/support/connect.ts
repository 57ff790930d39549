// The OAuth round trip over real HTTP against the served runtime (test/support/test-runtime.ts's
// connectThroughOAuth does the same in-process): ask for the authorize URL, "consent" at the fake Zoho,
// follow the redirect back to the callback.
import { signUserToken } from '../../src/http/auth.ts';
import type { FakeZoho } from '../../test/support/fake-zoho.ts';
import { BENCH_JWT_SECRET } from './runtime-process.ts';

export const jwtFor = (userId: string): Promise<string> => signUserToken(BENCH_JWT_SECRET, userId, '2h');

export async function connectOverHttp(runtimeUrl: string, fake: FakeZoho, userId: string, zuid: string, accountsServer = fake.url): Promise<void> {
  const auth = `Bearer ${await jwtFor(userId)}`;
  const start = await fetch(`${runtimeUrl}/api/connections/zoho`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: '{}',
  });
  if (start.status !== 200) throw new Error(`connect start answered ${start.status}: ${await start.text()}`);
  const authorize = new URL(((await start.json()) as { authorizeUrl: string }).authorizeUrl);
  const code = fake.issueCode(zuid, { codeChallenge: authorize.searchParams.get('code_challenge') ?? undefined });
  const query = new URLSearchParams({ code, state: authorize.searchParams.get('state')!, location: 'us', 'accounts-server': accountsServer });
  const back = await fetch(`${runtimeUrl}/auth/zoho/callback?${query}`, { headers: { accept: 'application/json' } });
  if (back.status !== 200) throw new Error(`callback answered ${back.status}: ${await back.text()}`);
  await back.arrayBuffer();
}
