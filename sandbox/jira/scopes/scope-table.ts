import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The OAuth 2.0 scopes each Jira Cloud REST v3 operation requires, as Atlassian's OpenAPI
 * description states them (`x-atlassian-oauth2-scopes`): generated into `jira-scopes.json` by
 * `generate.ts`, committed, and read at run time so neither `npm start` nor the tests need the spec.
 *
 * An entry lists the alternatives the operation accepts. `classic` is the set of the spec's
 * `Current` scopes, `granular` the set of its `Beta` scopes; a missing member means the operation
 * offers no such alternative (an operation with neither does not accept OAuth 2.0 at all).
 */

const ScopeList = z.array(z.string().min(1));

export const ScopeRequirementSchema = z.strictObject({
  classic: ScopeList.optional(),
  granular: ScopeList.optional(),
});
export type ScopeRequirement = z.infer<typeof ScopeRequirementSchema>;

/** "METHOD /path/template", e.g. `GET /rest/api/3/issue/{issueIdOrKey}` */
const OperationKey = z.string().regex(/^(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS) \/\S*$/, 'an operation key is "METHOD /path/template"');

export const ScopeTableSchema = z.strictObject({
  /** where the table comes from: the spec's title and info.version */
  source: z.string(),
  operations: z.record(OperationKey, ScopeRequirementSchema),
});
export type ScopeTable = z.infer<typeof ScopeTableSchema>;

export const SCOPE_TABLE_FILE = path.join(__dirname, 'jira-scopes.json');

const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

function splitKey(key: string): { method: string; template: string } {
  const space = key.indexOf(' ');
  return { method: key.slice(0, space), template: key.slice(space + 1) };
}

function compareKeys(a: string, b: string): number {
  const x = splitKey(a);
  const y = splitKey(b);
  if (x.template !== y.template) return x.template < y.template ? -1 : 1;
  return METHOD_ORDER.indexOf(x.method) - METHOD_ORDER.indexOf(y.method);
}

/** The committed file's text for a table: sorted by path then method, one operation a line, so diffs stay readable. */
export function serializeScopeTable(table: ScopeTable): string {
  const keys = Object.keys(table.operations).sort(compareKeys);
  const lines = keys.map((key) => {
    const entry = table.operations[key] ?? {};
    const sorted: ScopeRequirement = {};
    if (entry.classic) sorted.classic = [...entry.classic].sort();
    if (entry.granular) sorted.granular = [...entry.granular].sort();
    return `    ${JSON.stringify(key)}: ${JSON.stringify(sorted)}`;
  });
  return `{\n  "source": ${JSON.stringify(table.source)},\n  "operations": {\n${lines.join(',\n')}\n  }\n}\n`;
}

let cached: ScopeTable | undefined;

/** The committed table (read once per process). */
export function loadScopeTable(): ScopeTable {
  cached ??= ScopeTableSchema.parse(JSON.parse(readFileSync(SCOPE_TABLE_FILE, 'utf8')));
  return cached;
}
