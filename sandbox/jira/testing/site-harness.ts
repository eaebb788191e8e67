import type { JiraAccountCredentials, JiraProductEvent, JiraSiteOptions } from '../contract';
import { JiraSite } from '../site';

export interface HttpReply {
  status: number;
  /** parsed JSON body, or null for an empty body */
  body: unknown;
  text: string;
  headers: Headers;
}

/** A started site plus a small HTTP client for tests (real HTTP over loopback). */
export interface SiteHarness {
  site: JiraSite;
  baseUrl: string;
  events: JiraProductEvent[];
  /** resolves once `count` events in total have been delivered */
  eventsReached(count: number): Promise<JiraProductEvent[]>;
  call(method: string, path: string, body?: unknown, opts?: { as?: JiraAccountCredentials | null; rawBody?: string; contentType?: string; headers?: Record<string, string> }): Promise<HttpReply>;
  stop(): Promise<void>;
}

export const adf = (text: string): unknown => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });

export async function startSite(opts: Partial<JiraSiteOptions> = {}): Promise<SiteHarness> {
  const site = JiraSite.create({ name: 'internal', db: ':memory:', ...opts });
  const baseUrl = await site.listen(0, '127.0.0.1');
  const events: JiraProductEvent[] = [];
  const waiters: { count: number; resolve: (e: JiraProductEvent[]) => void }[] = [];
  site.onEvent((e) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (events.length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve([...events]);
      }
    }
  });
  return {
    site, baseUrl, events,
    eventsReached: (count) => (events.length >= count ? Promise.resolve([...events]) : new Promise((resolve) => waiters.push({ count, resolve }))),
    async call(method, path, body, opts = {}) {
      const who = opts.as === undefined ? site.admin : opts.as;
      const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
      if (who) headers.authorization = `Basic ${Buffer.from(`${who.email}:${who.apiToken}`).toString('base64')}`;
      const payload = opts.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
      if (payload !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
      const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
      const text = await res.text();
      return { status: res.status, text, body: text === '' ? null : JSON.parse(text), headers: res.headers };
    },
    stop: () => site.close(),
  };
}
