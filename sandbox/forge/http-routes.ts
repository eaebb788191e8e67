import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { MountedHandler } from '../jira/contract';
import type { InstallationRuntime } from './installation';
import { FORGE_LIMITS, LIMIT_SOURCES, type InvocationLimits } from './limits/forge-limits';
import { InvocationPayloadTooLargeError, InvocationRateLimitError } from './limits/invocation-limits';

/**
 * Forge's invocation request payload limit, applied to web trigger and resolver bodies as they are
 * read (the whole request, headers and query included, is checked again before the invocation).
 * https://developer.atlassian.com/platform/forge/events-reference/web-trigger/ → invocation limits.
 */
export const MAX_WEB_TRIGGER_BODY_BYTES = FORGE_LIMITS.invocations.requestPayloadBytes;

/**
 * The status an invocation's failure answers: 429 for a rate limit (the invocation did not run),
 * 413 for a request over the payload limit; anything else (a throw, a timeout, a response over the
 * payload limit) is the function's failure, 500.
 */
function failureStatus(e: unknown): 429 | 413 | 500 {
  if (e instanceof InvocationRateLimitError) return 429;
  if (e instanceof InvocationPayloadTooLargeError) return 413;
  return 500;
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > limit) throw new BodyTooLarge(`request body over ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Forge's web trigger response shape; anything else becomes a 500, as on Forge. */
export const WebTriggerResponseSchema = z.looseObject({
  statusCode: z.number().int().min(100).max(599),
  statusText: z.string().optional(),
  headers: z.record(z.string(), z.array(z.string())).optional(),
  body: z.string().optional(),
});

export interface WebTriggerRequest {
  method: string;
  path: string;
  userPath: string;
  headers: Record<string, string[]>;
  queryParameters: Record<string, string[]>;
  body: string;
  context: { cloudId: string; moduleKey: string };
}

export interface RouteHost {
  /** the installation serving this site */
  installation(): InstallationRuntime | undefined;
  invokeWebTrigger(inst: InstallationRuntime, moduleKey: string, request: WebTriggerRequest): Promise<unknown>;
  invokeResolver(inst: InstallationRuntime, moduleKey: string, functionKey: string, payload: unknown, context: ResolverCallContext): Promise<unknown>;
  /** web trigger calls in flight (for the idle signal) */
  webTriggerStarted(): void;
  webTriggerFinished(): void;
  pending(): number;
  /** what is pending, by kind and site (`/_sandbox/idle?detail`) */
  pendingDetail(): Record<string, number>;
  /** move the platform clock forward by `ms`; resolves with the platform time after it */
  advance(ms: number): Promise<number>;
  /** the invocation limits in force (request and response payload sizes) */
  limits: InvocationLimits;
}

export const ResolverCallContextSchema = z.looseObject({
  accountId: z.string().optional(),
  localId: z.string().optional(),
  extension: z.record(z.string(), z.unknown()).optional(),
});
export type ResolverCallContext = z.infer<typeof ResolverCallContextSchema>;

const InvokeBody = z.strictObject({
  moduleKey: z.string().min(1),
  functionKey: z.string().min(1),
  payload: z.unknown().optional(),
  context: ResolverCallContextSchema.optional(),
});

/** `POST /_sandbox/advance`: how far to move the platform clock, in ms */
const AdvanceBody = z.strictObject({ ms: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });
/** an advance request is a few bytes; anything longer is not one */
const MAX_ADVANCE_BODY_BYTES = 1024;

/** resolver errors the caller got wrong (unknown module, not a resolver module) → 400 */
export class ResolverRequestError extends Error {}

function errorBody(e: unknown): { error: { name: string; message: string } } {
  return { error: { name: e instanceof Error ? e.name : 'Error', message: e instanceof Error ? e.message : String(e) } };
}

/**
 * `/_sandbox/invoke` (resolver bridge), `/_sandbox/idle` and `/_sandbox/advance` on a site. The sandbox's
 * own routes (Forge has none of them): `advance` is how a test outside the process (driving
 * `npm start`) moves the platform clock, e.g. past a fiveMinute scheduled trigger.
 */
export function sandboxRoutes(host: RouteHost): MountedHandler {
  return async (req, res, url) => {
    if (url.pathname === '/_sandbox/idle') {
      if (req.method !== 'GET') return sendJson(res, 405, { error: { name: 'MethodNotAllowed', message: 'GET only' } });
      const pending = host.pending();
      return sendJson(res, 200, url.searchParams.has('detail') ? { idle: pending === 0, pending, detail: host.pendingDetail() } : { idle: pending === 0, pending });
    }
    if (url.pathname === '/_sandbox/advance') {
      if (req.method !== 'POST') return sendJson(res, 405, { error: { name: 'MethodNotAllowed', message: 'POST only' } });
      let raw: unknown;
      try {
        raw = JSON.parse(await readBody(req, MAX_ADVANCE_BODY_BYTES));
      } catch (e) {
        return sendJson(res, 400, { error: { name: 'BadRequest', message: e instanceof BodyTooLarge ? e.message : 'request body is not valid JSON' } });
      }
      const body = AdvanceBody.safeParse(raw);
      if (!body.success) return sendJson(res, 400, { error: { name: 'BadRequest', message: `expected {"ms": <non-negative integer>}: ${z.prettifyError(body.error)}` } });
      return sendJson(res, 200, { now: await host.advance(body.data.ms) });
    }
    if (url.pathname === '/_sandbox/invoke') {
      if (req.method !== 'POST') return sendJson(res, 405, { error: { name: 'MethodNotAllowed', message: 'POST only' } });
      let raw: unknown;
      try {
        raw = JSON.parse(await readBody(req, host.limits.requestPayloadBytes));
      } catch (e) {
        return sendJson(res, e instanceof BodyTooLarge ? 413 : 400, { error: { name: 'BadRequest', message: e instanceof BodyTooLarge ? e.message : 'request body is not valid JSON' } });
      }
      const body = InvokeBody.safeParse(raw);
      if (!body.success) return sendJson(res, 400, { error: { name: 'BadRequest', message: z.prettifyError(body.error) } });
      const inst = host.installation();
      if (!inst) return sendJson(res, 400, { error: { name: 'BadRequest', message: 'the app is not installed on this site' } });
      try {
        const result = await host.invokeResolver(inst, body.data.moduleKey, body.data.functionKey, body.data.payload, body.data.context ?? {});
        return sendJson(res, 200, { result: result === undefined ? null : result });
      } catch (e) {
        return sendJson(res, e instanceof ResolverRequestError ? 400 : failureStatus(e), errorBody(e));
      }
    }
    return sendJson(res, 404, { error: { name: 'NotFound', message: `no sandbox route ${url.pathname}` } });
  };
}

function headerMap(req: IncomingMessage): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    (out[name] ??= []).push(req.rawHeaders[i + 1] ?? '');
  }
  return out;
}

/** `/x1/<webTriggerId>[/userPath]` on a site → the web trigger's function */
export function webTriggerRoute(host: RouteHost): MountedHandler {
  return async (req, res, url) => {
    host.webTriggerStarted();
    try {
      const m = /^\/x1\/([^/]+)(\/.*)?$/.exec(url.pathname);
      const inst = host.installation();
      const moduleKey = m && inst ? inst.webTriggerIds.get(m[1] ?? '') : undefined;
      if (!m || !inst || !moduleKey) return sendJson(res, 404, { message: 'web trigger not found' });
      let body: string;
      try {
        body = await readBody(req, host.limits.requestPayloadBytes);
      } catch (e) {
        return sendJson(res, e instanceof BodyTooLarge ? 413 : 400, { message: e instanceof BodyTooLarge ? `${e.message} (${LIMIT_SOURCES.webTrigger})` : e instanceof Error ? e.message : 'bad request' });
      }
      const queryParameters: Record<string, string[]> = {};
      for (const [k, v] of url.searchParams) (queryParameters[k] ??= []).push(v);
      const request: WebTriggerRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        userPath: m[2] ?? '',
        headers: headerMap(req),
        queryParameters,
        body,
        context: { cloudId: inst.cloudId, moduleKey },
      };
      let result: unknown;
      try {
        result = await host.invokeWebTrigger(inst, moduleKey, request);
      } catch (e) {
        const status = failureStatus(e);
        return sendJson(res, status, { message: status === 500 ? `web trigger function failed: ${e instanceof Error ? e.message : String(e)}` : e instanceof Error ? e.message : String(e) });
      }
      const parsed = WebTriggerResponseSchema.safeParse(result);
      if (!parsed.success) return sendJson(res, 500, { message: 'the web trigger function returned a result that is not a web trigger response' });
      const headers: Record<string, string[]> = {};
      for (const [k, v] of Object.entries(parsed.data.headers ?? {})) if (k.toLowerCase() !== 'content-length') headers[k] = v;
      const out = parsed.data.body ?? '';
      const outHeaders = { ...headers, 'content-length': String(Buffer.byteLength(out)) };
      if (parsed.data.statusText) res.writeHead(parsed.data.statusCode, parsed.data.statusText, outHeaders);
      else res.writeHead(parsed.data.statusCode, outHeaders);
      res.end(out);
    } finally {
      host.webTriggerFinished();
    }
  };
}
