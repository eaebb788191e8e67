import type { AccountRecord } from '../storage/records';

export interface RouteContext {
  actor: AccountRecord;
  params: Record<string, string>;
  query: URLSearchParams;
  /** the parsed JSON body (400 for malformed JSON) */
  body(): unknown;
  url: URL;
}

/** status + JSON body; `body: undefined` answers with no content */
export interface Reply {
  status: number;
  body?: unknown;
}

export type RouteHandler = (ctx: RouteContext) => Reply;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

export interface RouteMatch {
  template: string;
  params: Record<string, string>;
  handler: RouteHandler;
}

/** Matches `METHOD /path/{param}` templates; a path that exists with another method is 405. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: RouteHandler): void {
    const names: string[] = [];
    const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method, template, pattern: new RegExp(`^${source}/?$`), names, handler });
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
      return { template: r.template, params, handler: r.handler };
    }
    return pathExists ? 'method-not-allowed' : undefined;
  }
}
