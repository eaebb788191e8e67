import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import { isJsonObject, patchKnownDefects, toJsonSchema, type Json, type JsonObject } from './openapi-schema';

/**
 * Atlassian's OpenAPI description of Jira Cloud REST v3, loaded from `../shared/jira-openapi/`
 * (beside the repository) or from `JIRA_OPENAPI_SPEC`, patched for its known defects, and used to
 * validate responses of the emulated Jira site. Schemas are compiled lazily, once per operation and
 * status, so loading stays fast although the document is 2.4 MB.
 */

const REPO_ROOT = resolve(__dirname, '..', '..');
const DOC_ID = 'jira-openapi';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

export const DEFAULT_SPEC_PATH = resolve(REPO_ROOT, '..', 'shared', 'jira-openapi', 'swagger-v3.v3.json');

/** The path of the spec file: `JIRA_OPENAPI_SPEC` when set, else `../shared/jira-openapi/swagger-v3.v3.json`. */
export function specPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.JIRA_OPENAPI_SPEC;
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : DEFAULT_SPEC_PATH;
}

export class SpecMissingError extends Error {
  constructor(readonly path: string) {
    super(`Jira OpenAPI description not found at ${path} (set JIRA_OPENAPI_SPEC or put the file in ../shared/jira-openapi/)`);
    this.name = 'SpecMissingError';
  }
}

const openApiDocument = z.object({
  openapi: z.string().regex(/^3\.0\./, 'expected an OpenAPI 3.0.x document'),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.object({ schemas: z.record(z.string(), z.unknown()) }),
});

export interface ResponseToCheck {
  method: string;
  /** a path template from the spec (`/rest/api/3/issue/{issueIdOrKey}`) or a concrete path, with or without a query string */
  path: string;
  status: number;
  /** the parsed JSON body, or undefined when the body was empty */
  body: unknown;
  /** the response's Content-Type header, when known */
  contentType?: string | null;
}

export interface CheckResult {
  ok: boolean;
  operationId: string | null;
  pathTemplate: string | null;
  /** which schema the body was checked against, e.g. `createIssue 201` or `ErrorCollection` */
  checkedAgainst: string | null;
  errors: string[];
}

interface Operation {
  operationId: string;
  method: string;
  pathTemplate: string;
  segments: string[];
  responses: JsonObject;
}

export class JiraOpenApi {
  private readonly ajv: Ajv;
  private readonly operations: Operation[] = [];
  private readonly byId = new Map<string, Operation>();
  private readonly compiled = new Map<string, ValidateFunction | null>();
  private readonly checkedOperations = new Set<string>();

  private constructor(document: z.infer<typeof openApiDocument>) {
    // strictTypes off: the spec puts string keywords (maxLength) on arrays in ~27 schemas, which
    // JSON Schema ignores; unknown keywords stay errors.
    this.ajv = new Ajv({ strict: true, strictTypes: false, strictRequired: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    // Jira's self links and avatar URLs point at the site; in the sandbox that is loopback,
    // which the `url` format of ajv-formats rejects by design. `uri` stays strict.
    this.ajv.addFormat('url', { type: 'string', validate: (value: string) => URL.canParse(value) });
    // Jira writes timestamps as 2024-05-01T10:00:00.000+0000 (offset without a colon) where the spec
    // says date-time; both that form and RFC 3339 are accepted, anything else is not.
    this.ajv.addFormat('date-time', { type: 'string', validate: isJiraOrRfc3339DateTime });
    const rawSchemas: JsonObject = {};
    for (const [name, schema] of Object.entries(document.components.schemas)) rawSchemas[name] = asJson(schema);
    const paths: JsonObject = {};
    for (const [template, item] of Object.entries(document.paths)) paths[template] = asJson(item);
    patchKnownDefects(paths, rawSchemas);

    const schemas: JsonObject = {};
    for (const [name, schema] of Object.entries(rawSchemas)) schemas[name] = toJsonSchema(schema, DOC_ID);
    this.ajv.addSchema({ $id: DOC_ID, definitions: schemas });
    for (const [pathTemplate, item] of Object.entries(paths)) {
      if (!isJsonObject(item)) continue;
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (!isJsonObject(op) || typeof op.operationId !== 'string' || !isJsonObject(op.responses)) continue;
        const operation: Operation = {
          operationId: op.operationId,
          method: method.toUpperCase(),
          pathTemplate,
          segments: pathTemplate.split('/'),
          responses: op.responses,
        };
        this.operations.push(operation);
        this.byId.set(operation.operationId, operation);
      }
    }
    // literal segments win over parameters: /issue/bulk before /issue/{issueIdOrKey}
    this.operations.sort((a, b) => specificity(b) - specificity(a));
  }

  /** Loads the spec, or throws SpecMissingError when the file is absent. */
  static load(path: string = specPath()): JiraOpenApi {
    if (!existsSync(path)) throw new SpecMissingError(path);
    const parsed = openApiDocument.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) throw new Error(`${path} is not an OpenAPI 3.0 document: ${parsed.error.message}`);
    return new JiraOpenApi(parsed.data);
  }

  /** Loads the spec, or returns null when the file is absent (any other problem still throws). */
  static tryLoad(path: string = specPath()): JiraOpenApi | null {
    try {
      return JiraOpenApi.load(path);
    } catch (error) {
      if (error instanceof SpecMissingError) return null;
      throw error;
    }
  }

  /** The operation serving `method path` (a template or a concrete path). */
  findOperation(method: string, path: string): { operationId: string; pathTemplate: string } | null {
    const upper = method.toUpperCase();
    const pathOnly = path.split('?')[0] ?? path;
    const exact = this.operations.find((op) => op.method === upper && op.pathTemplate === pathOnly);
    const match = exact ?? this.operations.find((op) => op.method === upper && matches(op.segments, pathOnly.split('/')));
    return match === undefined ? null : { operationId: match.operationId, pathTemplate: match.pathTemplate };
  }

  hasOperation(operationId: string): boolean {
    return this.byId.has(operationId);
  }

  /** Validates a response against its operation's declared response for that status. */
  validateResponse(response: ResponseToCheck): CheckResult {
    const found = this.findOperation(response.method, response.path);
    if (found === null) {
      return fail(null, null, null, [`no operation in the spec for ${response.method.toUpperCase()} ${response.path}`]);
    }
    const op = this.byId.get(found.operationId);
    if (op === undefined) throw new Error(`operation ${found.operationId} vanished`);
    this.checkedOperations.add(op.operationId);
    const declared = declaredResponse(op.responses, response.status);
    if (declared === null) {
      const listed = Object.keys(op.responses).join(', ');
      return fail(op.operationId, op.pathTemplate, null, [`status ${response.status} is not declared for ${op.operationId} (declared: ${listed})`]);
    }
    const media = isJsonObject(declared.content) ? declared.content['application/json'] : undefined;
    if (isJsonObject(media) && media.schema !== undefined) {
      // 204 never has a body (RFC 9110), and an empty schema `{}` (editIssue, setIssueProperty,
      // doTransition declare one) allows an empty body: Jira sends none there.
      if (response.body === undefined && (response.status === 204 || isEmptySchema(media.schema))) {
        return { ok: true, operationId: op.operationId, pathTemplate: op.pathTemplate, checkedAgainst: 'no body', errors: [] };
      }
      const key = `${op.operationId} ${response.status}`;
      const validate = this.compileOnce(key, () => toJsonSchema(media.schema ?? {}, DOC_ID));
      return this.check(op, key, validate, response);
    }
    if (response.status >= 400) {
      // The spec often declares an error status without a body; Jira answers its ErrorCollection.
      return this.check(op, 'ErrorCollection', this.componentValidator('ErrorCollection'), response);
    }
    if (response.body !== undefined) {
      return fail(op.operationId, op.pathTemplate, null, [`${op.operationId} ${response.status} declares no body, got ${preview(response.body)}`]);
    }
    return { ok: true, operationId: op.operationId, pathTemplate: op.pathTemplate, checkedAgainst: 'no body', errors: [] };
  }

  /** Validates a value against `#/components/schemas/<name>` (e.g. 'ErrorCollection', 'IssueBean'). */
  validateComponent(name: string, value: unknown): string[] {
    const validate = this.componentValidator(name);
    return validate(value) ? [] : formatErrors(validate.errors);
  }

  /** operationIds whose responses were validated so far (for coverage checks). */
  checked(): ReadonlySet<string> {
    return this.checkedOperations;
  }

  private componentValidator(name: string): ValidateFunction {
    return this.compileOnce(`#${name}`, () => ({ $ref: `${DOC_ID}#/definitions/${name}` }));
  }

  private compileOnce(key: string, schema: () => Json): ValidateFunction {
    const cached = this.compiled.get(key);
    if (cached !== undefined && cached !== null) return cached;
    const validate = this.ajv.compile(schemaObject(schema()));
    this.compiled.set(key, validate);
    return validate;
  }

  private check(op: Operation, against: string, validate: ValidateFunction, response: ResponseToCheck): CheckResult {
    const errors: string[] = [];
    if (response.body === undefined) {
      errors.push(`${against}: expected a JSON body, got an empty one`);
    } else {
      const type = response.contentType ?? null;
      if (type !== null && !/^application\/json\b/i.test(type)) errors.push(`${against}: content-type ${type}, expected application/json`);
      if (!validate(response.body)) errors.push(...formatErrors(validate.errors).map((e) => `${against}: ${e}`));
    }
    return { ok: errors.length === 0, operationId: op.operationId, pathTemplate: op.pathTemplate, checkedAgainst: against, errors };
  }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})$/i;

export function isJiraOrRfc3339DateTime(value: string): boolean {
  return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')));
}

function asJson(value: unknown): Json {
  // JSON.parse output is JSON by construction; this checks it and narrows the type for the converter.
  if (!isJson(value)) throw new Error('the spec holds a non-JSON value');
  return value;
}

function isJson(value: unknown): value is Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return true;
  if (Array.isArray(value)) return value.every(isJson);
  if (typeof value !== 'object') return false;
  return Object.values(value).every(isJson);
}

function isEmptySchema(schema: Json): boolean {
  return isJsonObject(schema) && Object.keys(schema).length === 0;
}

function schemaObject(schema: Json): JsonObject | boolean {
  if (typeof schema === 'boolean') return schema;
  if (!isJsonObject(schema)) throw new Error(`not a schema: ${preview(schema)}`);
  return schema;
}

function specificity(op: Operation): number {
  return op.segments.filter((s) => !s.startsWith('{')).length * 1000 + op.segments.length;
}

function matches(template: string[], concrete: string[]): boolean {
  if (template.length !== concrete.length) return false;
  return template.every((segment, i) => {
    const actual = concrete[i] ?? '';
    return segment.startsWith('{') && segment.endsWith('}') ? actual.length > 0 : segment === actual;
  });
}

function declaredResponse(responses: JsonObject, status: number): JsonObject | null {
  const candidates = [String(status), `${String(status)[0] ?? ''}XX`, 'default'];
  for (const key of candidates) {
    const declared = responses[key];
    if (isJsonObject(declared)) return declared;
  }
  return null;
}

function fail(operationId: string | null, pathTemplate: string | null, against: string | null, errors: string[]): CheckResult {
  return { ok: false, operationId, pathTemplate, checkedAgainst: against, errors };
}

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath === '' ? '(root)' : e.instancePath} ${e.message ?? e.keyword} ${keywordDetail(e)}`.trim());
}

function keywordDetail(error: ErrorObject): string {
  const params: Record<string, unknown> = error.params;
  if (error.keyword === 'additionalProperties') return `(${String(params.additionalProperty)})`;
  if (error.keyword === 'enum') return `(${JSON.stringify(params.allowedValues)})`;
  return '';
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
