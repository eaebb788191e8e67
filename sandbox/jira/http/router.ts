import type { IncomingHttpHeaders } from 'node:http';
import type { AccountRecord } from '../storage/records';

export interface RouteContext {
  actor: AccountRecord;
  params: Record<string, string>;
  query: URLSearchParams;
  /** the parsed JSON body (400 for malformed JSON) */
  body(): unknown;
  /** the request body's bytes, untouched; null when it was longer than the route's `rawBody` limit */
  rawBody(): Buffer | null;
  /** the request's headers (names in lower case) */
  headers: IncomingHttpHeaders;
  url: URL;
}

/**
 * status + JSON body; `body: undefined` answers with no content. `raw` answers bytes of their own type
 * instead of JSON (attachment content, Jira's plain-text refusals); `headers` are added to the answer.
 */
export interface Reply {
  status: number;
  body?: unknown;
  raw?: { bytes: Buffer; contentType: string };
  headers?: Record<string, string>;
}

/** how a route reads its request body */
export interface RouteOptions {
  /**
   * the body as bytes, read up to the number of bytes this returns (a longer one is drained and
   * `RouteContext.rawBody` answers null: the route's own 413), instead of as UTF-8 JSON up to the
   * site's usual request limit
   */
  rawBody?: () => number;
}

export type RouteHandler = (ctx: RouteContext) => Reply;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
  options: RouteOptions;
}

export interface RouteMatch {
  template: string;
  params: Record<string, string>;
  handler: RouteHandler;
  options: RouteOptions;
}

/** Matches `METHOD /path/{param}` templates; a path that exists with another method is 405. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: RouteHandler, options: RouteOptions = {}): void {
    const names: string[] = [];
    const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method, template, pattern: new RegExp(`^${source}/?$`), names, handler, options });
  }

  match(method: string, path: string): RouteMatch | 'method-not-allowed' | undefined {
    let pathExists = false;
    for (const r of this.routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      pathExists = true;
      if (r.method !== method) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => {
        params[n] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { template: r.template, params, handler: r.handler, options: r.options };
    }
    return pathExists ? 'method-not-allowed' : undefined;
  }
}
