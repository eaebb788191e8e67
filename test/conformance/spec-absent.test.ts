import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/**
 * Without the OpenAPI description the conformance suite must never pass silently: under CI it fails,
 * elsewhere it reports the checks as not run. Checked by running one conformance file in a child
 * jest with JIRA_OPENAPI_SPEC pointing nowhere.
 */

const root = resolve(__dirname, '..', '..');
const missing = join(root, 'test', 'conformance', 'no-such-spec.json');

function runValidatorSuite(ci: boolean): { status: number | null; output: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, JIRA_OPENAPI_SPEC: missing };
  if (ci) env.CI = 'true';
  else delete env.CI;
  const child = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--selectProjects', 'conformance', '--ci', join(root, 'test', 'conformance', 'openapi-validator.test.ts')], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  return { status: child.status, output: `${child.stdout}\n${child.stderr}` };
}

describe('when the OpenAPI description is absent', () => {
  it('fails under CI, naming the missing file', () => {
    const { status, output } = runValidatorSuite(true);
    expect(status).not.toBe(0);
    expect(output).toContain('needs the Jira OpenAPI description');
    expect(output).toContain(missing);
  });

  it('reports the checks as not run elsewhere', () => {
    const { status, output } = runValidatorSuite(false);
    expect(status).toBe(0);
    expect(output).toContain('NOT RUN');
    expect(output).toMatch(/\d+ todo/);
  });
});
