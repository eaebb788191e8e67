import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { scopeTableFromOpenApi } from './from-openapi';
import { SCOPE_TABLE_FILE, serializeScopeTable } from './scope-table';

/**
 * Regenerates `jira-scopes.json` from Atlassian's OpenAPI description:
 *
 *   npx tsx sandbox/jira/scopes/generate.ts [path/to/swagger-v3.v3.json]
 *
 * The spec is the argument, else `JIRA_OPENAPI_SPEC`, else `../shared/jira-openapi/swagger-v3.v3.json`
 * beside the repository. test/conformance/scopes.test.ts fails while the committed file differs.
 */

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

function specFile(): string {
  const arg = process.argv[2];
  if (arg) return path.resolve(arg);
  const env = process.env.JIRA_OPENAPI_SPEC;
  if (env) return path.resolve(env);
  return path.resolve(REPO_ROOT, '..', 'shared', 'jira-openapi', 'swagger-v3.v3.json');
}

const file = specFile();
const table = scopeTableFromOpenApi(JSON.parse(readFileSync(file, 'utf8')));
writeFileSync(SCOPE_TABLE_FILE, serializeScopeTable(table));
console.log(`${path.relative(REPO_ROOT, SCOPE_TABLE_FILE)}: ${Object.keys(table.operations).length} operations from ${file}`);
