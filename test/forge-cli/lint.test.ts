import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { REPO, runTool, type ToolRun } from './run-tool';

const ReportSchema = z.strictObject({
  filesParsed: z.array(z.string()),
  findings: z.array(z.strictObject({
    file: z.string(),
    line: z.number(),
    column: z.number(),
    level: z.enum(['error', 'warning', 'approval']),
    message: z.string(),
    reference: z.string(),
    metadata: z.record(z.string(), z.unknown()),
  })),
});
type Report = z.infer<typeof ReportSchema>;

const LINT_TIMEOUT = 300_000;

/** `npm run forge:lint -- --app DIR --json FILE`: the run and its report. */
async function lintApp(appDir: string): Promise<{ run: ToolRun; report: Report }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twin-sync-lint-report-'));
  try {
    const json = path.join(dir, 'report.json');
    const run = await runTool('lint', ['--app', appDir, '--json', json]);
    if (!existsSync(json)) throw new Error(`forge:lint wrote no report (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
    return { run, report: ReportSchema.parse(JSON.parse(readFileSync(json, 'utf8'))) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every .ts and .tsx file under src/, relative to the repository: what `forge deploy` can bundle. */
function sourceFiles(): string[] {
  return readdirSync(path.join(REPO, 'src'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.relative(REPO, path.join(e.parentPath, e.name)))
    .sort();
}

/** A copy of the app in a temp dir whose manifest.yml no longer grants `scope` (node_modules and the UI builds linked). */
function appWithout(scope: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twin-sync-lint-app-'));
  for (const file of ['src', 'tsconfig.json', 'package.json', '.gitignore']) cpSync(path.join(REPO, file), path.join(dir, file), { recursive: true });
  for (const link of ['node_modules', 'static']) symlinkSync(path.join(REPO, link), path.join(dir, link));
  const manifest = readFileSync(path.join(REPO, 'manifest.yml'), 'utf8');
  const line = new RegExp(`^\\s*- ${scope.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`, 'm');
  if (!line.test(manifest)) throw new Error(`manifest.yml does not grant ${scope}`);
  writeFileSync(path.join(dir, 'manifest.yml'), manifest.replace(line, ''));
  return dir;
}

describe('npm run forge:lint: forge lint\'s client-side linters, offline', () => {
  beforeAll(() => {
    // The manifest linter checks that every resource path exists: lint after `npm run build`.
    for (const build of ['static/admin/build', 'static/panel/build']) {
      if (!existsSync(path.join(REPO, build))) throw new Error(`${build} is missing: run npm run build before the forge-cli tests`);
    }
  });

  it('finds nothing in the app, having parsed every source file under src/', async () => {
    const sources = sourceFiles();
    const { run, report } = await lintApp(REPO);
    expect(report.findings).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${report.filesParsed.length} files parsed`);
    expect(report.filesParsed.length).toBeGreaterThan(0);
    expect(report.filesParsed).toEqual(expect.arrayContaining(['src/index.ts', 'src/adapters/forge/forge-jira.ts', 'src/adapters/forge/forge-permissions.ts']));
    expect(report.filesParsed).toEqual(sources);
  }, LINT_TIMEOUT);

  it.each([
    ['read:jira-user', ['GET /rest/api/3/user', 'GET /rest/api/3/user/search']],
    ['write:jira-work', [
      'DELETE /rest/api/3/attachment/{id}',
      'DELETE /rest/api/3/issue/{issueIdOrKey}/comment/{id}',
      'DELETE /rest/api/3/issueLink/{linkId}',
      'POST /rest/api/3/issue',
      'POST /rest/api/3/issue/{issueIdOrKey}/attachments',
      'POST /rest/api/3/issue/{issueIdOrKey}/comment',
      'POST /rest/api/3/issue/{issueIdOrKey}/transitions',
      'POST /rest/api/3/issueLink',
      'PUT /rest/api/3/issue/{issueIdOrKey}',
      'PUT /rest/api/3/issue/{issueIdOrKey}/comment/{id}',
    ]],
    // the options of the option fields (Administer Jira)
    ['manage:jira-configuration', ['GET /rest/api/3/field/{fieldId}/context', 'GET /rest/api/3/field/{fieldId}/context/{contextId}/option']],
    // components and versions a twin needs (Administer Projects)
    ['manage:jira-project', ['POST /rest/api/3/component', 'POST /rest/api/3/version']],
  ])('fails when manifest.yml does not grant %s, naming the scope and each operation that needs it', async (scope, operations) => {
    const app = appWithout(scope);
    try {
      const { run, report } = await lintApp(app);
      expect(run.code).toBe(1);
      expect(report.findings.length).toBeGreaterThan(0);
      for (const finding of report.findings) {
        expect(finding).toMatchObject({ file: 'src/adapters/forge/forge-jira.ts', level: 'error', metadata: { missingPermission: scope } });
        expect(run.stdout).toContain(finding.message);
      }
      const named = report.findings.map((f) => /Jira endpoint: (\S+ \S+) requires "([^"]+)" scope/.exec(f.message)).map((m) => (m ? `${m[1]} needs ${m[2]}` : 'unrecognised message'));
      expect([...new Set(named)].sort()).toEqual(operations.map((op) => `${op} needs ${scope}`));
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  }, LINT_TIMEOUT);
});
