/**
 * `npm run forge:bundle [-- --out DIR] [--app DIR]`: builds the app's Node runtime archive the way
 * `forge deploy` does, offline, into a directory instead of a zip.
 *
 * The pieces are Forge's own, wired as @forge/cli's dependency injection wires them for a deploy:
 * ConfigFile reads manifest.yml, `getAppHandlers` lists the handlers, RuntimeBundler turns them into
 * entry points (`getEntryPoints`: `index.onIssueEvent` → src/index), runs `getNodeBundler` (the
 * webpack + ts-loader configuration of a deploy) and packs the output with the manifest and the
 * package files. Two parts differ, both because there is no network: the runtime wrapper
 * `__forge__.cjs` is a stub (see stub-wrapper-provider.ts) and the CLI's feature flags answer their
 * defaults (offline-statsig.ts). The archive is written with Forge's DirectoryArchiver (what
 * FORGE_INSPECT_ARCHIVE uses) instead of the zip.
 *
 * Prints the size of every file and the total; exits 1 on a bundler error (a TypeScript error
 * from ts-loader included) or on any webpack warning: the app builds without one today, so every
 * new warning is treated as one that matters until it is understood.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { getNodeBundler, type Bundler } from '@forge/bundler';
import { RuntimeBundler } from '@forge/cli/out/deploy/packager/runtime-bundler';
import { ConfigFile, DirectoryArchiver, FileSystemReader, FileSystemWriter, I18nResourceBundlingService } from '@forge/cli-shared';
import { parseOptions, REPO_ROOT, runMain, UsageError } from './cli-args';
import { ConsoleLogger } from './console-logger';
import { OfflineStatsig } from './offline-statsig';
import { StubWrapperProvider } from './stub-wrapper-provider';

const DEFAULT_OUT_DIR = '.forge-build';

/** The runtime wrapper: every build has it, so a directory holding it is a previous build. */
const MARKER_FILE = '__forge__.cjs';

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), ['out', 'app']);
  const appDir = path.resolve(options.get('app') ?? REPO_ROOT);
  const outDir = path.resolve(options.get('out') ?? path.join(appDir, DEFAULT_OUT_DIR));
  prepareOutDir(outDir, appDir);
  // Forge's ConfigFile, getEntryPoints and RuntimeBundler all work relative to the working directory.
  process.chdir(appDir);

  const logger = new ConsoleLogger();
  const fileReader = new FileSystemReader();
  const configFile = new ConfigFile(fileReader, new FileSystemWriter());
  const webpackOutputs: string[] = [];
  const nodeBundler = recordOutputDirs(getNodeBundler(logger, new StubWrapperProvider(), configFile, new OfflineStatsig(logger)), webpackOutputs);
  const runtimeBundler = new RuntimeBundler(() => Promise.resolve(new DirectoryArchiver(outDir)), logger, nodeBundler, fileReader, configFile);

  const started = Date.now();
  try {
    const handlers = await configFile.getAppHandlers();
    const config = await configFile.readConfig();
    const i18nResourceBundle = await new I18nResourceBundlingService().bundle(config.modules, config.translations);
    logger.info(`Bundling ${handlers.map((h) => `${h.module}.${h.func}`).join(', ')} from ${appDir}`);
    await runtimeBundler.bundle(handlers, i18nResourceBundle, config.app?.package);
  } finally {
    for (const dir of webpackOutputs) rmSync(dir, { recursive: true, force: true });
  }

  const files = listFiles(outDir);
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  const width = Math.max(...files.map((f) => f.name.length));
  logger.info(`\nForge runtime bundle in ${outDir} (${((Date.now() - started) / 1000).toFixed(1)} s):`);
  for (const f of files) logger.info(`  ${f.name.padEnd(width)}  ${String(f.bytes).padStart(10)} bytes`);
  logger.info(`  ${'total'.padEnd(width)}  ${String(total).padStart(10)} bytes`);
  if (logger.warnings.length > 0) {
    process.stderr.write(`\nforge:bundle failed: webpack reported ${logger.warnings.length} warning(s), printed above\n`);
    return 1;
  }
  return 0;
}

/** Empties the output directory; refuses one that holds anything but a previous build, or the app itself. */
function prepareOutDir(outDir: string, appDir: string): void {
  const relative = path.relative(outDir, appDir);
  if (relative === '' || !relative.startsWith('..')) throw new UsageError(`--out ${outDir} would hold the app directory ${appDir}`);
  if (existsSync(outDir)) {
    if (!statSync(outDir).isDirectory()) throw new UsageError(`--out ${outDir} is not a directory`);
    const entries = readdirSync(outDir);
    if (entries.length > 0 && !entries.includes(MARKER_FILE)) throw new UsageError(`--out ${outDir} is not empty and holds no previous build (no ${MARKER_FILE}): not overwriting it`);
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** The bundler, noting the temporary directory webpack wrote to so it can be removed afterwards. */
function recordOutputDirs(bundler: Bundler, dirs: string[]): Bundler {
  return {
    bundle: async (args) => {
      const output = await bundler.bundle(args);
      dirs.push(output.outputDir);
      return output;
    },
    watch: (args, watch) => bundler.watch(args, watch),
  };
}

function listFiles(root: string): { name: string; bytes: number }[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return { name: path.relative(root, file), bytes: statSync(file).size };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

if (require.main === module) runMain(main);
