import { z } from 'zod';
import type { SiteAccess } from './sandbox-process';

/** A small REST client of one sandbox site as its admin (Basic auth), with 429s waited out. */
export class JiraClient {
  constructor(readonly site: SiteAccess) {}

  private auth(): string {
    return `Basic ${Buffer.from(`${this.site.email}:${this.site.apiToken}`).toString('base64')}`;
  }

  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt += 1) {
      const res = await fetch(`${this.site.url}${path}`, {
        method,
        headers: { authorization: this.auth(), accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      if (res.status === 429 && attempt < 20) {
        // Jira's rate limits: wait as told (at most 2 s here: the sandbox's windows move with its clock too)
        const after = Number(res.headers.get('retry-after') ?? '1');
        await new Promise((r) => setTimeout(r, Math.min(2_000, Math.max(100, after * 1000))));
        continue;
      }
      if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
      return text === '' ? null : JSON.parse(text) as unknown;
    }
  }

  async createIssue(projectKey: string, summary: string, labels: string[]): Promise<{ id: string; key: string }> {
    const created = z.object({ id: z.string(), key: z.string() }).parse(await this.request('POST', '/rest/api/3/issue', {
      fields: { project: { key: projectKey }, issuetype: { name: 'Task' }, summary, labels, description: doc(`Description of ${summary}`) },
    }));
    return created;
  }

  async comment(issueKey: string, text: string): Promise<void> {
    await this.request('POST', `/rest/api/3/issue/${issueKey}/comment`, { body: doc(text) });
  }

  async editSummary(issueKey: string, summary: string): Promise<void> {
    await this.request('PUT', `/rest/api/3/issue/${issueKey}`, { fields: { summary } });
  }

  async fieldId(name: string): Promise<string> {
    const fields = z.array(z.looseObject({ id: z.string(), name: z.string() })).parse(await this.request('GET', '/rest/api/3/field'));
    const found = fields.find((f) => f.name === name);
    if (!found) throw new Error(`no field "${name}" on ${this.site.url}`);
    return found.id;
  }

  /** every issue matching `jql`, with the fields asked for and the twin origin property */
  async search(jql: string, fields: string[]): Promise<SearchedIssue[]> {
    const out: SearchedIssue[] = [];
    let token: string | null = null;
    do {
      const page = PageSchema.parse(await this.request('POST', '/rest/api/3/search/jql', {
        jql, fields, properties: ['twinSync.origin'], maxResults: 100, ...(token !== null ? { nextPageToken: token } : {}),
      }));
      out.push(...page.issues);
      token = page.nextPageToken ?? null;
    } while (token !== null);
    return out;
  }
}

const IssueSchema = z.looseObject({
  id: z.string(),
  key: z.string(),
  fields: z.record(z.string(), z.unknown()),
  properties: z.record(z.string(), z.unknown()).optional(),
});
export type SearchedIssue = z.infer<typeof IssueSchema>;
const PageSchema = z.looseObject({ issues: z.array(IssueSchema), nextPageToken: z.string().nullish() });

export function doc(text: string): unknown {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

/** the plain text of an ADF document (or null) */
const AdfNodeSchema = z.looseObject({ text: z.string().optional(), content: z.array(z.unknown()).optional() });

export function textOf(adf: unknown): string {
  const node = AdfNodeSchema.safeParse(adf);
  if (!node.success) return '';
  return (node.data.text ?? '') + (node.data.content ?? []).map(textOf).join('');
}
