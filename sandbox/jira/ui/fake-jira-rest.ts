import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A minimal in-memory stand-in for the site's REST API, for testing the web UI's browser script in
 * jsdom without the real site. It answers only the calls the UI makes, in Jira's shapes, records
 * every request, and refuses requests without the expected Basic authorization.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

interface FakeComment {
  id: string;
  body: unknown;
}

export interface FakeIssue {
  id: string;
  key: string;
  fields: Record<string, unknown>;
  comments: FakeComment[];
  properties: Record<string, unknown>;
}

const STATUSES = [
  { id: '1', name: 'Open' },
  { id: '3', name: 'In Progress' },
  { id: '5', name: 'Done' },
];
const PRIORITIES = [
  { id: '1', name: 'Highest' },
  { id: '3', name: 'Medium' },
];
const NAMES: Record<string, string> = {
  issuetype: 'Issue Type',
  status: 'Status',
  priority: 'Priority',
  labels: 'Labels',
  updated: 'Updated',
  summary: 'Summary',
  description: 'Description',
  customfield_10010: 'Remote issue key',
};

export class FakeJiraRest {
  readonly requests: RecordedRequest[] = [];
  readonly issues = new Map<string, FakeIssue>();
  private nextId = 10001;
  private nextComment = 1;

  constructor(private readonly authorization: string) {}

  addIssue(summary: string, extra: Record<string, unknown> = {}): FakeIssue {
    const id = String(this.nextId++);
    const key = `INT-${Number(id) - 10000}`;
    const issue: FakeIssue = {
      id,
      key,
      fields: {
        summary,
        issuetype: { id: '10001', name: 'Task' },
        status: STATUSES[0],
        priority: PRIORITIES[1],
        labels: [],
        updated: '2026-11-26T18:00:00.000+0000',
        description: null,
        customfield_10010: null,
        ...extra,
      },
      comments: [],
      properties: {},
    };
    this.issues.set(key, issue);
    return issue;
  }

  /** Answers `/rest/api/3/...`; returns false for other paths. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (!url.pathname.startsWith('/rest/api/3/')) return false;
    const raw = await new Promise<string>((resolve, reject) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (text += chunk));
      req.on('end', () => resolve(text));
      req.on('error', reject);
    });
    const body: unknown = raw === '' ? null : JSON.parse(raw);
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname + url.search, body });
    const reply = (status: number, value?: unknown): true => {
      if (value === undefined) {
        res.writeHead(status);
        res.end();
      } else {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(value));
      }
      return true;
    };
    if (req.headers.authorization !== this.authorization) return reply(401, { errorMessages: ['You are not authenticated.'], errors: {} });
    const route = `${method} ${url.pathname.slice('/rest/api/3'.length)}`;
    let m: RegExpExecArray | null;

    if (route === 'POST /search/jql') {
      const jql = isObj(body) && typeof body['jql'] === 'string' ? body['jql'] : '';
      if (jql.includes('(')) return reply(400, { errorMessages: ["Error in the JQL Query: Expecting ')' before the end of the query."], errors: {} });
      const all = [...this.issues.values()].reverse().map((i) => ({ id: i.id, key: i.key, fields: i.fields }));
      const start = isObj(body) && typeof body['nextPageToken'] === 'string' ? Number(body['nextPageToken']) : 0;
      const size = isObj(body) && typeof body['maxResults'] === 'number' ? body['maxResults'] : 50;
      const issues = all.slice(start, start + size);
      const more = start + size < all.length;
      return reply(200, more ? { issues, nextPageToken: String(start + size), isLast: false } : { issues, isLast: true });
    }
    if (route === 'GET /project/search') return reply(200, { values: [{ id: '10000', key: 'INT', name: 'Internal' }], total: 1, isLast: true });
    if (route === 'GET /issue/createmeta/INT/issuetypes') {
      return reply(200, { issueTypes: [{ id: '10001', name: 'Task', subtask: false }, { id: '10002', name: 'Bug', subtask: false }, { id: '10005', name: 'Sub-task', subtask: true }], total: 3 });
    }
    if (route === 'GET /priority') return reply(200, PRIORITIES);
    if (route === 'GET /field') {
      return reply(200, [
        { id: 'summary', name: 'Summary', custom: false, schema: { type: 'string', system: 'summary' } },
        { id: 'customfield_10010', name: 'Remote issue key', custom: true, schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' } },
      ]);
    }
    if (route === 'POST /issue') {
      const fields = isObj(body) && isObj(body['fields']) ? body['fields'] : {};
      if (typeof fields['summary'] !== 'string' || fields['summary'] === '') return reply(400, { errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } });
      const issue = this.addIssue(fields['summary'], { description: fields['description'] ?? null });
      return reply(201, { id: issue.id, key: issue.key, self: `/rest/api/3/issue/${issue.id}` });
    }
    if ((m = /^(GET|PUT) \/issue\/([A-Z]+-\d+)$/.exec(route))) {
      const issue = this.issues.get(m[2] ?? '');
      if (issue === undefined) return reply(404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
      if (m[1] === 'GET') return reply(200, { id: issue.id, key: issue.key, fields: issue.fields, names: NAMES });
      const fields = isObj(body) && isObj(body['fields']) ? body['fields'] : {};
      for (const [k, v] of Object.entries(fields)) issue.fields[k] = k === 'priority' ? PRIORITIES.find((p) => isObj(v) && p.id === v['id']) : v;
      return reply(204);
    }
    if ((m = /^(GET|POST) \/issue\/([A-Z]+-\d+)\/transitions$/.exec(route))) {
      const issue = this.issues.get(m[2] ?? '');
      if (issue === undefined) return reply(404, { errorMessages: ['Issue does not exist.'], errors: {} });
      if (m[1] === 'GET') {
        const current = isObj(issue.fields['status']) ? issue.fields['status']['id'] : undefined;
        return reply(200, { transitions: STATUSES.filter((s) => s.id !== current).map((s) => ({ id: `${s.id}1`, name: s.name, to: s })) });
      }
      const id = isObj(body) && isObj(body['transition']) ? body['transition']['id'] : undefined;
      const to = STATUSES.find((s) => `${s.id}1` === id);
      if (to === undefined) return reply(400, { errorMessages: ['No such transition.'], errors: {} });
      issue.fields['status'] = to;
      return reply(204);
    }
    if ((m = /^(GET|POST) \/issue\/([A-Z]+-\d+)\/comment$/.exec(route))) {
      const issue = this.issues.get(m[2] ?? '');
      if (issue === undefined) return reply(404, { errorMessages: ['Issue does not exist.'], errors: {} });
      if (m[1] === 'GET') {
        const comments = issue.comments.map((c) => ({ id: c.id, body: c.body, author: { displayName: 'Admin <b>' }, created: '2026-11-26T18:00:00.000+0000', updated: '2026-11-26T18:00:00.000+0000' }));
        return reply(200, { startAt: 0, maxResults: 100, total: comments.length, comments });
      }
      const comment = { id: String(this.nextComment++), body: isObj(body) ? body['body'] : null };
      issue.comments.push(comment);
      return reply(201, comment);
    }
    if ((m = /^(PUT|DELETE) \/issue\/([A-Z]+-\d+)\/comment\/(\d+)$/.exec(route))) {
      const issue = this.issues.get(m[2] ?? '');
      const comment = issue?.comments.find((c) => c.id === m?.[3]);
      if (issue === undefined || comment === undefined) return reply(404, { errorMessages: ['Comment does not exist.'], errors: {} });
      if (m[1] === 'DELETE') {
        issue.comments = issue.comments.filter((c) => c !== comment);
        return reply(204);
      }
      comment.body = isObj(body) ? body['body'] : null;
      return reply(200, comment);
    }
    if ((m = /^GET \/issue\/([A-Z]+-\d+)\/properties(?:\/(.+))?$/.exec(route))) {
      const issue = this.issues.get(m[1] ?? '');
      if (issue === undefined) return reply(404, { errorMessages: ['Issue does not exist.'], errors: {} });
      if (m[2] === undefined) return reply(200, { keys: Object.keys(issue.properties).map((key) => ({ key, self: '' })) });
      const key = decodeURIComponent(m[2]);
      return key in issue.properties ? reply(200, { key, value: issue.properties[key] }) : reply(404, { errorMessages: ['The property was not found.'], errors: {} });
    }
    return reply(404, { errorMessages: [`The fake REST API does not answer ${route}.`], errors: {} });
  }
}

function isObj(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
