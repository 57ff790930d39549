import { CONNECT_URL } from '../compose.ts';

/** `npm run doctor -- --self-client`: connecting a Zoho account with a Self Client, no browser step (README says the same). */
export function selfClientGuide(scopes: readonly string[]): string {
  return `Connecting Zoho with a Self Client (no browser, no redirect URI)

1. Open the Zoho API console of the account's data centre (https://api-console.zoho.com, .eu, .in,
   .com.au, .jp, zohocloud.ca, .sa, .com.cn) as the Zoho user the tools should act as.
   Add Client -> Self Client -> Create. On its "Client Secret" tab copy the Client ID and Client Secret.
2. On its "Generate Code" tab enter these scopes (comma-separated, what the tools use):
     ${scopes.join(',')}
   pick a time duration (the code expires after it, 3 minutes by default), a description, Create,
   and choose the CRM org (and Desk portal) if Zoho asks. Copy the code.
3. Before the code expires, import it as the app user (their JWT, sub = the app user id):
     curl -X POST <runtime>${CONNECT_URL}/import -H "authorization: Bearer $TOKEN" \\
       -H 'content-type: application/json' \\
       -d '{"dc":"eu","code":"1000.xxxx","clientId":"1000.XXXX","clientSecret":"xxxx"}'
   The runtime exchanges the code, checks the data centre (the answer names the right "dc" if it
   differs), reads whose account it is, stores the refresh token and the Self Client's id and
   secret encrypted, and answers the connection with "missingScopes": scopes the tools need that the
   code was not given (generate a new code with them if a tool needs them).
   Already hold a refresh token from that Self Client? Send {"dc","refreshToken","clientId","clientSecret"}.
   A refresh token of this deployment's own client (ZOHO_CLIENT_ID): {"dc","refreshToken"}.
4. Zoho's limits: at most 20 refresh tokens per user per client; minting a 21st silently deletes the
   oldest, and a connection still using that one stops working ("connect Zoho again"). So generate a
   code once per user and import it once; importing or signing in again for the same Zoho account
   updates the same connection and revokes the token it replaces. Each refresh token mints at most 10
   access tokens in 10 minutes: an import spends one; after a 429, wait and import again.
5. Check it: npm run doctor -- --user <app user id>`;
}
