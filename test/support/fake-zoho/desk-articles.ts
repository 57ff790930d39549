// Knowledge base: GET /api/v1/articles/search and GET /api/v1/articles/{id}. The search path and its
// `searchStr` come from secondary sources (not in the Desk OAS files read, UNVERIFIED); the article
// shape follows Article.json getArticleNewJson (the text is `answer`). Chosen: every word of searchStr
// must appear in the title, text or tags; 204 when nothing matches; an unknown id is 404 URL_NOT_FOUND.
import type { DeskCtx } from './desk-common.ts';
import { deskErr, isReply, orgRows, queryCheck, urlNotFound } from './desk-common.ts';
import type { Rec, Reply } from './types.ts';
import { json, lc, noContent } from './util.ts';

const STATUSES = ['Draft', 'Published', 'Review', 'Expired', 'Unpublished'];
const listView = ({ answer: _answer, ...article }: Rec): Rec => article;

export function searchArticles(c: DeskCtx): Reply {
  const q = c.r.query;
  // Article.json: `from` starts at 1, `limit` at most 50.
  const p = queryCheck({ ...q, from: String(Number(q['from'] ?? 1) - 1) }, ['searchStr', 'from', 'limit', 'departmentId', 'categoryId', 'status', 'permission', 'sortBy'], 50);
  if (isReply(p)) return p;
  const words = (q['searchStr'] ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return deskErr(422, 'UNPROCESSABLE_ENTITY', "The query parameter 'searchStr' is mandatory.", [{ fieldName: 'searchStr', errorType: 'missing', errorMessage: "The query parameter 'searchStr' is mandatory." }]);
  if (q['status'] !== undefined && !q['status'].split(',').every((s) => STATUSES.includes(s))) {
    return deskErr(422, 'UNPROCESSABLE_ENTITY', "The value passed for the query parameter 'status' is invalid.");
  }
  const text = (a: Rec) => lc([a['title'], a['answer'], ...((a['tags'] as string[]) ?? [])].join(' ').replace(/<[^>]*>/g, ' '));
  const hits = orgRows(c, c.s.desk.articles).filter((a) =>
    words.every((w) => text(a).includes(w)) &&
    (q['departmentId'] === undefined || a['departmentId'] === q['departmentId']) &&
    (q['categoryId'] === undefined || a['categoryId'] === q['categoryId']) &&
    (q['status'] === undefined || q['status'].split(',').includes(String(a['status']))));
  const titleHits = (a: Rec) => words.filter((w) => lc(a['title']).includes(w)).length;
  const page = hits.sort((a, b) => titleHits(b) - titleHits(a)).slice(p.from, p.from + p.limit);
  return page.length === 0 ? noContent() : json(200, { data: page.map(listView) });
}

export function getArticle(c: DeskCtx): Reply {
  const p = queryCheck(c.r.query, ['version'], 50);
  if (isReply(p)) return p;
  const a = c.s.desk.articles.get(c.params['id'] ?? '');
  return a && orgRows(c, c.s.desk.articles).includes(a) ? json(200, a) : urlNotFound();
}
