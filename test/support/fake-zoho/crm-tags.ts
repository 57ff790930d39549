// POST /crm/v8/{module}/actions/add_tags | remove_tags (Zoho's v8 OAS tags.json: body {tags:[{name}], ids,
// over_write}; 200 Record_Success_Wrapper, one item per id; whole-request errors MANDATORY_NOT_FOUND / INVALID_DATA).
import type { CrmCtx } from './crm-common.ts';
import { crmErr, table, writeStatus } from './crm-common.ts';
import type { ModuleDef } from './crm-schema.ts';
import { item } from './crm-write.ts';
import type { Rec, Reply } from './types.ts';
import { crmId, isObj, json } from './util.ts';

const MAX_IDS = 100;
const MAX_NAME = 25; // tags.json Tag.name maxLength
const COLORS = ['#57B1FD', '#879BFC', '#658BA8', '#FD87BD', '#969696', '#F48435', '#1DB9B4'];

export function tagRecords(c: CrmCtx, m: ModuleDef, action: 'add_tags' | 'remove_tags'): Reply {
  const body = c.r.body;
  if (!isObj(body)) return crmErr(400, 'INVALID_DATA', { expected_data_type: 'jsonobject' }, 'body');
  const tags = body['tags'];
  if (!Array.isArray(tags) || tags.length === 0) return crmErr(400, 'MANDATORY_NOT_FOUND', { api_name: 'tags', json_path: '$.tags' }, 'required field not found');
  const names: string[] = [];
  for (const [i, t] of tags.entries()) {
    const name = isObj(t) ? t['name'] : undefined;
    if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME) {
      return crmErr(400, 'INVALID_DATA', { api_name: 'name', json_path: `$.tags[${i}].name`, maximum_length: MAX_NAME }, 'invalid data');
    }
    names.push(name.trim());
  }
  const ids = Array.isArray(body['ids']) ? body['ids'] : c.r.query['ids']?.split(',');
  if (!ids || ids.length === 0) return crmErr(400, 'MANDATORY_NOT_FOUND', { api_name: 'ids', json_path: '$.ids' }, 'required field not found');
  if (ids.length > MAX_IDS) return crmErr(400, 'LIMIT_EXCEEDED', { api_name: 'ids', json_path: '$.ids', limit: MAX_IDS }, 'Record count exceeded');
  const orgTags = tagsOf(c, m.api);
  const out = ids.map((raw) => {
    const id = String(raw);
    const rec = table(c.s, m.api).get(id);
    if (!rec) return item('INVALID_DATA', { id }, 'invalid data');
    const current = new Map(((rec['Tag'] as Rec[] | null) ?? []).map((t) => [String(t['name']).toLowerCase(), t]));
    if (action === 'add_tags' && body['over_write'] === true) current.clear();
    for (const name of names) {
      if (action === 'remove_tags') current.delete(name.toLowerCase());
      else current.set(name.toLowerCase(), orgTag(orgTags, name));
    }
    rec['Tag'] = [...current.values()];
    return { code: 'SUCCESS', details: { id, tags: rec['Tag'] }, message: 'tags updated successfully', status: 'success' };
  });
  return json(writeStatus(out, 200), { data: out });

  function orgTag(registry: Map<string, Rec>, name: string): Rec {
    let tag = registry.get(name.toLowerCase());
    if (!tag) {
      tag = { id: crmId(c.s), name, color_code: COLORS[registry.size % COLORS.length] };
      registry.set(name.toLowerCase(), tag);
    }
    return tag;
  }
}

function tagsOf(c: CrmCtx, module: string): Map<string, Rec> {
  let t = c.s.crm.tags.get(module);
  if (!t) {
    t = new Map();
    c.s.crm.tags.set(module, t);
  }
  return t;
}
