import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './cli-args';

/** Where the Jira Cloud platform OpenAPI description lives beside the repository (see its README). */
export const DEFAULT_JIRA_SPEC = path.resolve(REPO_ROOT, '..', 'shared', 'jira-openapi', 'swagger-v3.v3.json');

/**
 * Points @forge/lint's permission linter at local OpenAPI files instead of downloading them: it
 * reads them from disk only when USE_LOCAL_SWAGGER and all six LOCAL_*_SWAGGER variables are set.
 * Jira's is the real description (env JIRA_OPENAPI_SPEC, else ../shared/jira-openapi/). The app
 * calls no other product's REST API (Jira Service Management, Jira Software, Confluence v1 and v2,
 * Bitbucket), so those get a generated `{"paths":{}}`: a call to any of them would then go
 * unchecked, which is why none must appear in src/. Returns a cleanup for the generated file.
 */
export function useLocalSwagger(env: NodeJS.ProcessEnv = process.env): { jiraSpec: string; cleanup: () => void } {
  const jiraSpec = path.resolve(env['JIRA_OPENAPI_SPEC'] ?? DEFAULT_JIRA_SPEC);
  if (!existsSync(jiraSpec)) throw new Error(`the Jira OpenAPI description is not at ${jiraSpec} (set JIRA_OPENAPI_SPEC to its path)`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'forge-lint-swagger-'));
  const empty = path.join(dir, 'no-paths.json');
  writeFileSync(empty, JSON.stringify({ paths: {} }));
  env['USE_LOCAL_SWAGGER'] = '1';
  env['LOCAL_JIRA_SWAGGER'] = jiraSpec;
  for (const name of ['LOCAL_JSM_SWAGGER', 'LOCAL_JSW_SWAGGER', 'LOCAL_CONF_SWAGGER', 'LOCAL_CONF_V2_SWAGGER', 'LOCAL_BB_SWAGGER']) env[name] = empty;
  return { jiraSpec, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
