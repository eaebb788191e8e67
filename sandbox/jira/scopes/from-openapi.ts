import { z } from 'zod';
import type { ScopeRequirement, ScopeTable } from './scope-table';

/**
 * Builds the scope table from Atlassian's OpenAPI description of Jira Cloud REST v3.
 *
 * Per operation: `x-atlassian-oauth2-scopes` entries in state `Current` are the classic scopes,
 * entries in state `Beta` the granular ones (several entries of one state are joined). Where the
 * extension is absent, the `OAuth2` entries of `security` are the classic scopes (as `@forge/lint`
 * reads the same document). Neither: the operation does not accept OAuth 2.0 and gets an empty entry.
 * Any other state or scheme stops the generator: a new shape of the document needs a decision.
 */

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

const OAuthEntry = z.looseObject({ scheme: z.string(), state: z.string(), scopes: z.array(z.string()) });
const Operation = z.looseObject({
  'x-atlassian-oauth2-scopes': z.array(OAuthEntry).optional(),
  security: z.array(z.record(z.string(), z.array(z.string()))).optional(),
});
const Document = z.looseObject({
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.looseObject({})),
});

function union(into: string[] | undefined, scopes: readonly string[]): string[] {
  return [...new Set([...(into ?? []), ...scopes])].sort();
}

/** classic before granular, whatever order the spec lists them in */
function ordered(r: ScopeRequirement): ScopeRequirement {
  return { ...(r.classic ? { classic: r.classic } : {}), ...(r.granular ? { granular: r.granular } : {}) };
}

function requirementOf(where: string, op: z.infer<typeof Operation>): ScopeRequirement {
  const entries = op['x-atlassian-oauth2-scopes'];
  const out: ScopeRequirement = {};
  if (entries) {
    for (const e of entries) {
      if (e.scheme !== 'OAuth2') throw new Error(`${where}: x-atlassian-oauth2-scopes scheme '${e.scheme}' is not OAuth2`);
      if (e.state === 'Current') out.classic = union(out.classic, e.scopes);
      else if (e.state === 'Beta') out.granular = union(out.granular, e.scopes);
      else throw new Error(`${where}: x-atlassian-oauth2-scopes state '${e.state}' is neither Current nor Beta`);
    }
    return out;
  }
  for (const requirement of op.security ?? []) {
    const scopes = requirement['OAuth2'];
    if (scopes) out.classic = union(out.classic, scopes);
  }
  return out;
}

export function scopeTableFromOpenApi(document: unknown): ScopeTable {
  const doc = Document.parse(document);
  const operations: Record<string, ScopeRequirement> = {};
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const raw = item[method];
      if (raw === undefined) continue;
      const key = `${method.toUpperCase()} ${template}`;
      operations[key] = ordered(requirementOf(key, Operation.parse(raw)));
    }
  }
  return { source: `${doc.info.title}, OpenAPI info.version ${doc.info.version}`, operations };
}
