// CRM v8 router: auth, settings, users, org, coql, records (ZOHO.md section 3).
import { coqlEndpoint } from './coql.ts';
import type { CrmCtx } from './crm-common.ts';
import { crmErr, invalidModule, pageInfo } from './crm-common.ts';
import { convertLead } from './crm-convert.ts';
import { countRecords, getRecord, listRecords, relatedRecords, searchRecords } from './crm-read.ts';
import { listAttachments, updateRelated } from './crm-relations.ts';
import { tagRecords } from './crm-tags.ts';
import { crmModules, fieldMeta, moduleDef, moduleMeta } from './crm-schema.ts';
import { createRecords, deleteRecords, updateRecords, upsertRecords } from './crm-write.ts';
import type { CrmUser, FakeRequest, Rec, Reply, State } from './types.ts';
import { crmScopeOk } from './scopes.ts';
import { bearer, json, liveAccess, noContent } from './util.ts';

const invalidUrl = (): Reply =>
  crmErr(404, 'INVALID_URL_PATTERN', {}, 'Please check if the URL trying to access is a correct one');
// ZOHO.md 3.4: INVALID_REQUEST_METHOD is 400 in the spec examples.
const badMethod = (): Reply =>
  crmErr(400, 'INVALID_REQUEST_METHOD', {}, 'The http request method type is not a valid one');

export function crmUserOut(u: CrmUser): Rec {
  return {
    id: u.id,
    first_name: u.first_name,
    last_name: u.last_name,
    full_name: u.full_name,
    email: u.email,
    zuid: u.zuid ?? null,
    role: { name: 'CEO', id: '5843104000000015969' },
    profile: { name: 'Administrator', id: '5843104000000015972' },
    status: 'active',
    confirm: true,
    time_zone: 'Etc/UTC',
    locale: 'en_US',
    language: 'en_US',
  };
}

const USER_TYPES = ['ActiveUsers', 'CurrentUser', 'ActiveConfirmedUsers', 'DeactiveUsers', 'NotConfirmedUsers', 'ConfirmedUsers'];

function users(c: CrmCtx, id: string | undefined): Reply {
  if (c.r.method !== 'GET') return badMethod();
  if (id !== undefined) {
    const u = c.s.crm.users.get(id);
    return u ? json(200, { users: [crmUserOut(u)] }) : noContent();
  }
  const type = c.r.query['type'];
  if (type !== undefined && !USER_TYPES.includes(type)) {
    return crmErr(400, 'INVALID_DATA', { supported_values: USER_TYPES, param_name: 'type', param: 'type' }, 'invalid data');
  }
  const list =
    type === 'CurrentUser' ? [c.crmUser]
      : type === 'DeactiveUsers' || type === 'NotConfirmedUsers' ? []
        : [...c.s.crm.users.values()];
  if (list.length === 0) return noContent();
  return json(200, { users: list.map((u) => crmUserOut(u)), info: pageInfo(1, 200, list.length, false) });
}

function org(c: CrmCtx): Reply {
  if (c.r.method !== 'GET') return badMethod();
  const o = c.s.crm.org;
  return json(200, {
    org: [{ ...o, id: c.user.orgId ?? o['id'], zgid: c.user.zgid ?? o['zgid'], primary_email: o['primary_email'] ?? c.user.email }],
  });
}

function settings(c: CrmCtx, rest: string[]): Reply {
  if (c.r.method !== 'GET') return badMethod();
  const [kind, name, ...more] = rest;
  if (more.length > 0) return invalidUrl();
  if (kind === 'modules') {
    if (name === undefined) return json(200, { modules: crmModules().map(moduleMeta) });
    const m = moduleDef(name);
    if (!m) return noContent(); // modules.json lists 204 for a module by name
    return json(200, { modules: [{ ...moduleMeta(m), fields: m.fields.map((f, i) => fieldMeta(m, f, i)) }] });
  }
  if (kind === 'fields' && name === undefined) {
    const mod = c.r.query['module'];
    // fields.json: MandatoryParamDetails {param_name}; InvalidParamError INVALID_MODULE with empty details.
    if (mod === undefined || mod === '') return crmErr(400, 'REQUIRED_PARAM_MISSING', { param_name: 'module' }, 'One of the expected parameter is missing');
    const m = moduleDef(mod);
    if (!m) return crmErr(400, 'INVALID_MODULE', {}, 'the module name given seems to be invalid');
    return json(200, { fields: m.fields.map((f, i) => fieldMeta(m, f, i)) });
  }
  return invalidUrl();
}

function records(c: CrmCtx, rest: string[]): Reply {
  const [modName, b, d, e, ...more] = rest;
  const m = moduleDef(modName);
  if (!m) return invalidModule();
  const M = c.r.method;
  if (more.length > 0) return invalidUrl();
  if (b === undefined) {
    if (M === 'GET') return listRecords(c, m);
    if (M === 'POST') return createRecords(c, m);
    if (M === 'PUT') return updateRecords(c, m);
    if (M === 'DELETE') return deleteRecords(c, m);
    return badMethod();
  }
  if (d === undefined) {
    if (b === 'search') return M === 'GET' ? searchRecords(c, m) : badMethod();
    if (b === 'upsert') return M === 'POST' ? upsertRecords(c, m) : badMethod();
    if (M === 'GET') return getRecord(c, m, b);
    if (M === 'PUT') return updateRecords(c, m, b);
    if (M === 'DELETE') return deleteRecords(c, m, b);
    return badMethod();
  }
  if (e !== undefined) {
    if (d === 'actions' && e === 'convert' && m.api === 'Leads') return M === 'POST' ? convertLead(c, b) : badMethod();
    return M === 'PUT' ? updateRelated(c, m, b, d, e) : invalidUrl();
  }
  if (b === 'actions' && d === 'count') return M === 'GET' ? countRecords(c, m) : badMethod();
  if (b === 'actions' && (d === 'add_tags' || d === 'remove_tags')) return M === 'POST' ? tagRecords(c, m, d) : badMethod();
  if (d === 'Attachments') return M === 'GET' ? listAttachments(c, m, b) : badMethod();
  return M === 'GET' ? relatedRecords(c, m, b, d) : badMethod();
}

export function crmRoute(s: State, r: FakeRequest): Reply {
  const a = liveAccess(s, bearer(r.headers['authorization'], false));
  const user = a ? s.users.get(a.zuid) : undefined;
  const crmUser = a ? s.crm.users.get(s.crmUserOf.get(a.zuid) ?? '') : undefined;
  // Brief: missing / expired / revoked token -> 401 INVALID_TOKEN (OAS message "invalid oauth token").
  if (!a || !user || !crmUser) return crmErr(401, 'INVALID_TOKEN', {}, 'invalid oauth token');
  const segs = r.path.split('/').filter((x) => x !== '');
  if (segs[0] !== 'crm' || segs[1] !== 'v8' || segs.length < 3) return invalidUrl();
  const rest = segs.slice(2).map(decodeURIComponent);
  // Message recalled from Zoho answers (code in the OAS enums).
  if (!crmScopeOk(a, r.method, rest[0], rest[1])) return crmErr(401, 'OAUTH_SCOPE_MISMATCH', {}, 'invalid oauth scope to access this URL');
  const c: CrmCtx = { s, r, user, crmUser };
  switch (rest[0]) {
    case 'settings':
      return settings(c, rest.slice(1));
    case 'users':
      return rest.length <= 2 ? users(c, rest[1]) : invalidUrl();
    case 'org':
      return rest.length === 1 ? org(c) : invalidUrl();
    case 'coql':
      if (rest.length !== 1) return invalidUrl();
      return r.method === 'POST' ? coqlEndpoint(c) : badMethod();
    default:
      return records(c, rest);
  }
}

