/**
 * Turns the schemas of an OpenAPI 3.0 document into JSON Schema that Ajv (draft-07 mode) checks
 * strictly, and patches the known defects of Atlassian's Jira description
 * (see ../shared/jira-openapi/README.md).
 *
 * OpenAPI 3.0 differs from JSON Schema in a few keywords:
 * - `nullable: true` becomes a type union with `null` (or an `anyOf` with `{type: 'null'}`);
 * - `example`, `xml`, `externalDocs`, `discriminator`, `deprecated` are annotations Ajv does not know;
 * - `$ref` with siblings is invalid (siblings are ignored by OpenAPI 3.0): the siblings are dropped;
 * - in a response, a `writeOnly` property is never required.
 * References `#/components/schemas/X` are rewritten to `<docId>#/definitions/X` so one document
 * `{$id: docId, definitions: {...all component schemas}}` registered in Ajv serves every operation.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const OAS_ONLY_KEYWORDS = new Set(['example', 'xml', 'externalDocs', 'discriminator', 'deprecated']);

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where a key holds a map of names to schemas, the names are not keywords. */
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'definitions']);
const SCHEMA_KEYWORDS = new Set(['items', 'additionalProperties', 'not']);
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf']);

/** Converts one OpenAPI 3.0 schema object (and its subschemas) to Ajv-ready JSON Schema. */
export function toJsonSchema(schema: Json, docId: string): Json {
  if (!isJsonObject(schema)) return schema;
  if (typeof schema.$ref === 'string') {
    // OpenAPI 3.0: "This object cannot be extended with additional properties and any properties
    // added SHALL be ignored." (the spec's defect #1: Fields.issuetype has a sibling description)
    return { $ref: rewriteRef(schema.$ref, docId) };
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (OAS_ONLY_KEYWORDS.has(key) || key === 'nullable') continue;
    if (SCHEMA_MAP_KEYWORDS.has(key) && isJsonObject(value)) {
      const map: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) map[name] = toJsonSchema(sub, docId);
      out[key] = map;
    } else if (SCHEMA_KEYWORDS.has(key) && isJsonObject(value)) {
      out[key] = toJsonSchema(value, docId);
    } else if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
      out[key] = value.map((sub) => toJsonSchema(sub, docId));
    } else {
      out[key] = value;
    }
  }
  dropWriteOnlyFromRequired(out);
  return schema.nullable === true ? makeNullable(out) : out;
}

function rewriteRef(ref: string, docId: string): string {
  const prefix = '#/components/schemas/';
  if (ref.startsWith(prefix)) return `${docId}#/definitions/${ref.slice(prefix.length)}`;
  throw new Error(`unsupported $ref ${ref} (only ${prefix}* is used by the Jira description)`);
}

function dropWriteOnlyFromRequired(schema: JsonObject): void {
  const props = schema.properties;
  const required = schema.required;
  if (!isJsonObject(props) || !Array.isArray(required)) return;
  const kept = required.filter((name) => !(typeof name === 'string' && isJsonObject(props[name]) && props[name].writeOnly === true));
  if (kept.length === 0) delete schema.required;
  else schema.required = kept;
}

function makeNullable(schema: JsonObject): JsonObject {
  const type = schema.type;
  if (typeof type === 'string') {
    const out: JsonObject = { ...schema, type: [type, 'null'] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...schema.enum, null];
    return out;
  }
  return { anyOf: [schema, { type: 'null' }] };
}

/**
 * Patches, on the raw OpenAPI document (before conversion), the defects where the description
 * contradicts its own examples and Jira's answers:
 * - `getRemoteIssueLinks` declares one RemoteIssueLink for 200 while Jira (and the operation's own
 *   example) answers an array of them (README defect #2);
 * - `ChangeDetails.from/to/fromString/toString` are plain strings, while the changelog examples of
 *   the same document (getChangeLogs, getIssue expand=changelog) carry `"from": null`, as Jira does
 *   for a field that had no value.
 * (README defect #1, `$ref` siblings, is handled by toJsonSchema.)
 */
export function patchKnownDefects(paths: JsonObject, schemas: JsonObject): void {
  patchRemoteLinks(paths);
  const change = schemas.ChangeDetails;
  if (!isJsonObject(change) || !isJsonObject(change.properties)) return;
  for (const name of ['from', 'fromString', 'to', 'toString']) {
    const property = change.properties[name];
    if (isJsonObject(property) && property.type === 'string') property.nullable = true;
  }
}

function patchRemoteLinks(paths: JsonObject): void {
  const remoteLinks = paths['/rest/api/3/issue/{issueIdOrKey}/remotelink'];
  if (!isJsonObject(remoteLinks)) return;
  const get = remoteLinks.get;
  if (!isJsonObject(get) || get.operationId !== 'getRemoteIssueLinks' || !isJsonObject(get.responses)) return;
  const ok = get.responses['200'];
  if (!isJsonObject(ok) || !isJsonObject(ok.content)) return;
  const media = ok.content['application/json'];
  if (!isJsonObject(media) || !isJsonObject(media.schema)) return;
  if (media.schema.type === 'array') return;
  media.schema = { type: 'array', items: media.schema };
}
