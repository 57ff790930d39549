// GET /crm/v8/{module}/{id}/Attachments (attachments.json) and PUT /crm/v8/{module}/{id}/{related list}/{related id}
// (related_records.json "Update Related Records": `data[0]` holds the relation's fields; message "relation updated" chosen).
import type { CrmCtx } from './crm-common.ts';
import { crmErr, fieldsParam, lookupRef, pageInfo, project, requiredParam, table } from './crm-common.ts';
import type { ModuleDef } from './crm-schema.ts';
import { moduleDef } from './crm-schema.ts';
import { applyUpdate, checkRecord, dataItems } from './crm-write.ts';
import type { Reply } from './types.ts';
import { json, noContent } from './util.ts';

export function listAttachments(c: CrmCtx, m: ModuleDef, id: string): Reply {
  const fields = fieldsParam(c.r.query['fields']);
  if (!fields || fields.length === 0) return requiredParam('fields');
  if (!table(c.s, m.api).has(id)) return crmErr(400, 'INVALID_DATA', { resource_path_index: 1 }, 'the id given seems to be invalid');
  const all = c.s.crm.attachments.get(id) ?? [];
  const page = Number(c.r.query['page'] ?? 1);
  const perPage = Math.min(Number(c.r.query['per_page'] ?? 200), 200);
  const rows = all.slice((page - 1) * perPage, page * perPage);
  if (rows.length === 0) return noContent(); // attachments.json lists 204
  return json(200, { data: rows.map((r) => project(r, fields)), info: pageInfo(page, perPage, rows.length, all.length > page * perPage) });
}

export function updateRelated(c: CrmCtx, m: ModuleDef, id: string, relName: string, relatedId: string): Reply {
  const rel = m.related[relName];
  if (!rel) return crmErr(400, 'INVALID_DATA', { resource_path_index: 2 }, 'the related list name given seems to be invalid');
  if (!table(c.s, m.api).has(id)) return crmErr(400, 'INVALID_DATA', { resource_path_index: 1 }, 'the id given seems to be invalid');
  const child = moduleDef(rel.module);
  const record = child ? table(c.s, child.api).get(relatedId) : undefined;
  if (!child || !record) return crmErr(400, 'INVALID_DATA', { resource_path_index: 3 }, 'the id given seems to be invalid');
  // Chosen: Notes hang off a multi-module Parent_Id and are not re-linked this way.
  if (child.api === 'Notes') return crmErr(400, 'NOT_ALLOWED', { resource_path_index: 2 }, 'the relation cannot be updated');
  const data = dataItems(c.r.body);
  if (!Array.isArray(data)) return data;
  const checked = checkRecord(c, child, data[0] ?? {}, 0, false);
  if ('error' in checked) return json(400, { data: [checked.error] });
  applyUpdate(c, child, record, { ...checked.values, [rel.field]: lookupRef(c.s, m.api, id) });
  return json(200, { data: [{ code: 'SUCCESS', details: { id: relatedId }, message: 'relation updated', status: 'success' }] });
}
