import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const REPO = path.resolve(__dirname, '..', '..');
const TSX_CLI = path.join(REPO, 'node_modules/tsx/dist/cli.mjs');

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a Node program (a file, or `-e` code) to its end, collecting what it printed. */
export function runNode(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ToolRun> {
  const child = spawn(process.execPath, args, { cwd: options.cwd ?? REPO, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `npm run forge:bundle` / `npm run forge:lint` with these arguments, from the repository root. */
export function runTool(tool: 'bundle' | 'lint', args: string[]): Promise<ToolRun> {
  return runNode([TSX_CLI, `tools/forge/${tool}.ts`, ...args]);
}

const ManifestFunctionsSchema = z.object({ modules: z.object({ function: z.array(z.object({ handler: z.string() })) }) });

/** The `handler` of every function in an app's manifest.yml, e.g. `index.onIssueEvent`. */
export function manifestHandlers(manifestFile = path.join(REPO, 'manifest.yml')): string[] {
  return ManifestFunctionsSchema.parse(parse(readFileSync(manifestFile, 'utf8'))).modules.function.map((f) => f.handler);
}
