/**
 * `npm run forge:lint [-- --app DIR] [--json FILE]`: `forge lint` offline.
 *
 * Picks the files as @forge/cli's LintService does (every file under src/ and under each UI Kit
 * resource's directory, minus what .gitignore lists, .git and node_modules; @forge/lint then keeps
 * the .ts files that tsconfig.json's `include` patterns match) and runs @forge/lint's `lint` with
 * only its client-side linters (`getClientSideLintersOnly`): never the server-side linter, which
 * uploads the app to Atlassian. The permission linter reads local OpenAPI files (local-swagger.ts)
 * and the CLI's feature flags answer their defaults (offline-statsig.ts), so nothing goes to the network.
 *
 * `--app DIR` lints another copy of the app (its manifest.yml, tsconfig.json and src/); `--json FILE`
 * also writes `{ filesParsed, findings }`. Prints the number of files parsed and every finding;
 * exits 1 on any error, warning or approval.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigFile, DEFAULT_ENVIRONMENT_KEY, FileSystemReader, FileSystemWriter, listGitIgnoreFiles } from '@forge/cli-shared';
import { getClientSideLintersOnly, lint, parseSourceFile, type LintConfig, type LintResult } from '@forge/lint';
import { parseOptions, REPO_ROOT, runMain } from './cli-args';
import { ConsoleLogger } from './console-logger';
import { useLocalSwagger } from './local-swagger';
import { OfflineStatsig } from './offline-statsig';

/** The directory `forge lint` lints (LintService.DEFAULT_DIRECTORY in @forge/cli). */
const LINT_DIRECTORY = './src';

export interface Finding {
  file: string;
  line: number;
  column: number;
  level: 'error' | 'warning' | 'approval';
  message: string;
  reference: string;
  /** e.g. `{ missingPermission: 'read:jira-user' }` from the permission linter */
  metadata: Record<string, unknown>;
}

export interface LintReport {
  /** the files @forge/lint parsed, relative to the app directory */
  filesParsed: string[];
  findings: Finding[];
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), ['app', 'json']);
  const appDir = path.resolve(options.get('app') ?? REPO_ROOT);
  const jsonOut = options.get('json');
  const jsonPath = jsonOut === undefined ? undefined : path.resolve(jsonOut);
  const swagger = useLocalSwagger();
  // @forge/lint reads manifest.yml, tsconfig.json and the file list relative to the working directory.
  process.chdir(appDir);
  try {
    const report = await lintApp();
    if (jsonPath !== undefined) writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    print(report, appDir, swagger.jiraSpec);
    return report.findings.length > 0 ? 1 : 0;
  } finally {
    swagger.cleanup();
  }
}

async function lintApp(): Promise<LintReport> {
  const logger = new ConsoleLogger();
  const statsig = new OfflineStatsig(logger);
  const fileReader = new FileSystemReader();
  const configFile = new ConfigFile(fileReader, new FileSystemWriter());
  const manifest = await configFile.readConfig();

  // The same selection as LintService.run in @forge/cli.
  const uiKitDirectories = (await configFile.getResources(['nativeUI'])).map((resource) => path.dirname(resource.path));
  const exclude = [...(await listGitIgnoreFiles(fileReader)), '.git', 'node_modules'];
  const perDirectory = await Promise.all([LINT_DIRECTORY, ...uiKitDirectories].map((dir) => fileReader.recursiveReadDir(dir, exclude)));
  const files = [...new Set(perDirectory.flat())];

  const filesParsed: string[] = [];
  const config: LintConfig = {
    linter: { mode: 'client-side' },
    linters: await getClientSideLintersOnly(manifest, DEFAULT_ENVIRONMENT_KEY, logger, statsig),
    parseFunction: (filepath, parser, readFile) => {
      filesParsed.push(path.normalize(filepath));
      return parseSourceFile(filepath, parser, readFile);
    },
  };
  const results = await lint(files, manifest, DEFAULT_ENVIRONMENT_KEY, logger, statsig, config);
  if (logger.warnings.length > 0) throw new Error(`the linters logged ${logger.warnings.length} warning(s), printed above`);
  return { filesParsed: filesParsed.sort(), findings: results.flatMap(findingsOf) };
}

function findingsOf(result: LintResult): Finding[] {
  const levels = [['error', result.errors], ['warning', result.warnings], ['approval', result.approvals]] as const;
  return levels.flatMap(([level, rules]) => rules.map((rule) => ({
    file: path.relative(process.cwd(), path.resolve(result.file)),
    line: rule.line,
    column: rule.column,
    level,
    message: rule.message,
    reference: rule.reference,
    metadata: { ...rule.metadata },
  })));
}

function print(report: LintReport, appDir: string, jiraSpec: string): void {
  process.stdout.write(`forge lint (client-side linters, offline; Jira OpenAPI ${jiraSpec}) in ${appDir}\n`);
  process.stdout.write(`${report.filesParsed.length} files parsed\n`);
  for (const f of report.findings) process.stdout.write(`${f.file}:${f.line}:${f.column}  ${f.level}  ${f.message}${f.reference ? `  (${f.reference})` : ''}\n`);
  const count = (level: Finding['level']) => report.findings.filter((f) => f.level === level).length;
  process.stdout.write(report.findings.length === 0 ? 'No issues found.\n' : `${count('error')} error(s), ${count('warning')} warning(s), ${count('approval')} approval(s)\n`);
}

if (require.main === module) runMain(main);
