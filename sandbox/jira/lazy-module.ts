import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JiraAccountCredentials, SiteUiExtensions } from './contract';
import type { CompiledJql, JqlContext } from './jql/types';

/**
 * Loads a sibling module written by another engineer (`./ui`, `./jql`) at first use, so the site
 * compiles and serves its REST API before that module exists. A missing module is reported as
 * `undefined`; any other load error propagates.
 */
function loadSibling(spec: string): unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load (see above); require keeps jest's and tsx's TypeScript hooks
    return require(spec);
  } catch (e) {
    // only the module itself being absent counts; a missing import inside it is a real error
    // (duck-typed: under jest the error comes from another realm, so `instanceof Error` is false)
    const err: { code?: unknown; message?: unknown } = typeof e === 'object' && e !== null ? e : {};
    if (err.code === 'MODULE_NOT_FOUND' && typeof err.message === 'string' && err.message.includes(`'${spec}'`)) return undefined;
    throw e;
  }
}

export type ServeUi = (req: IncomingMessage, res: ServerResponse, url: URL, ctx: { siteName: string; baseUrl: string; admin: JiraAccountCredentials; extensions: SiteUiExtensions }) => Promise<boolean>;
export type CompileJql = (jql: string, ctx: JqlContext) => CompiledJql;

function exported(mod: unknown, name: string): unknown {
  if (typeof mod !== 'object' || mod === null || !(name in mod)) return undefined;
  const entries: Record<string, unknown> = Object.fromEntries(Object.entries(mod));
  return entries[name];
}

let ui: ServeUi | null | undefined;
let jql: CompileJql | null | undefined;

function isServeUi(f: unknown): f is ServeUi {
  return typeof f === 'function';
}
function isCompileJql(f: unknown): f is CompileJql {
  return typeof f === 'function';
}

/** `serveUi` from ./ui, or null while it does not exist */
export function loadServeUi(): ServeUi | null {
  if (ui === undefined) {
    const f = exported(loadSibling('./ui'), 'serveUi');
    ui = isServeUi(f) ? f : null;
  }
  return ui;
}

/** `compileJql` from ./jql, or null while it does not exist */
export function loadCompileJql(): CompileJql | null {
  if (jql === undefined) {
    const f = exported(loadSibling('./jql'), 'compileJql');
    jql = isCompileJql(f) ? f : null;
  }
  return jql;
}
