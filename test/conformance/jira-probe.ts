import { z } from 'zod';
import type { CheckResult, JiraOpenApi } from '../support/openapi';
import { errorCollectionShape } from './field-shapes';

/**
 * A raw HTTP client for the conformance suite: sends exactly what a test asks (no client library
 * smoothing anything over), parses the answer and checks it against the OpenAPI description.
 */

export interface ProbeResponse {
  method: string;
  path: string;
  status: number;
  contentType: string | null;
  /** the parsed JSON body; the raw text when it is not JSON; undefined when empty */
  body: unknown;
  raw: string;
  /** the response headers (rate limit headers, Retry-After) */
  headers: Headers;
  check: CheckResult;
}

export interface SendOptions {
  /** JSON-encoded as the request body */
  json?: unknown;
  /** sent as is (e.g. to test invalid JSON) with content-type application/json */
  rawBody?: string;
  /** query parameters; arrays are sent as repeated parameters */
  query?: Record<string, string | number | boolean | readonly string[]>;
  /** overrides the probe's Authorization header; null sends none */
  authorization?: string | null;
}

export function basicAuth(email: string, token: string): string {
  return `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;
}

export class JiraProbe {
  constructor(
    readonly baseUrl: string,
    private readonly spec: JiraOpenApi,
    private readonly authorization: string | null,
    /** sees every response with its spec check (the harness collects the failures) */
    private readonly observe: (response: ProbeResponse) => void = () => undefined,
  ) {}

  get(path: string, options: SendOptions = {}): Promise<ProbeResponse> {
    return this.send('GET', path, options);
  }

  post(path: string, json: unknown, options: SendOptions = {}): Promise<ProbeResponse> {
    return this.send('POST', path, { ...options, json });
  }

  put(path: string, json: unknown, options: SendOptions = {}): Promise<ProbeResponse> {
    return this.send('PUT', path, { ...options, json });
  }

  delete(path: string, options: SendOptions = {}): Promise<ProbeResponse> {
    return this.send('DELETE', path, options);
  }

  async send(method: string, path: string, options: SendOptions = {}): Promise<ProbeResponse> {
    const url = new URL(path, this.baseUrl);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (Array.isArray(value)) for (const item of value) url.searchParams.append(name, String(item));
      else url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    const authorization = options.authorization === undefined ? this.authorization : options.authorization;
    if (authorization !== null) headers.authorization = authorization;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.json !== undefined) body = JSON.stringify(options.json);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
    const raw = await response.text();
    const contentType = response.headers.get('content-type');
    const parsed = parseBody(raw);
    const check = this.spec.validateResponse({ method, path: url.pathname, status: response.status, body: parsed, contentType });
    const probed = { method, path: url.pathname + url.search, status: response.status, contentType, body: parsed, raw, headers: response.headers, check };
    this.observe(probed);
    return probed;
  }
}

function parseBody(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return value;
  } catch {
    return raw;
  }
}

/**
 * Asserts the status and that the response matches the spec; on failure the message shows the
 * request, the spec errors and the body.
 */
export function expectConforming(response: ProbeResponse, status: number): void {
  const specErrors = [...response.check.errors, ...jiraErrorShapeProblems(response)];
  const seen = { request: `${response.method} ${response.path}`, status: response.status, specErrors };
  const wanted = { request: seen.request, status, specErrors: [] };
  if (seen.status !== status || seen.specErrors.length > 0) {
    expect({ ...seen, body: response.body }).toEqual({ ...wanted, body: response.body });
  }
  expect(seen).toEqual(wanted);
}

/**
 * Jira's errors always carry both `errorMessages` and `errors` (the spec's ErrorCollection makes
 * them optional). Bulk create is the exception: its 400 is a CreatedIssues page.
 */
function jiraErrorShapeProblems(response: ProbeResponse): string[] {
  if (response.status < 400 || response.check.operationId === 'createIssues') return [];
  const parsed = errorCollectionShape.safeParse(response.body);
  return parsed.success ? [] : [`Jira error shape {errorMessages: [], errors: {}}: ${z.prettifyError(parsed.error)}`];
}
