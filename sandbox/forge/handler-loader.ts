import { existsSync } from 'node:fs';
import path from 'node:path';
import { register } from 'tsx/cjs/api';
import type { FunctionDef } from './manifest';

/** A Forge function as the platform calls it: `handler(payload, context)`. */
export type ForgeHandler = (payload: unknown, context: unknown) => unknown;

let tsxRegistered = false;

/**
 * TypeScript sources load through the host's own loader when it has one (jest's transform, or
 * tsx when started with `tsx`); under plain Node the tsx CommonJS hook is registered once.
 * `module.require` keeps the host's module registry, so the app shares the platform's globals.
 */
function requireSource(file: string): unknown {
  if (file.endsWith('.ts') && process.env['JEST_WORKER_ID'] === undefined && !tsxRegistered && !Object.hasOwn(require.extensions, '.ts')) {
    register();
    tsxRegistered = true;
  }
  return module.require(file);
}

function resolveSource(appRoot: string, file: string): string {
  const base = path.resolve(appRoot, 'src', file);
  for (const candidate of [`${base}.ts`, `${base}.js`, path.join(base, 'index.ts'), path.join(base, 'index.js')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`handler module src/${file} not found (looked for .ts and .js under ${path.join(appRoot, 'src')})`);
}

/**
 * Load every function of the manifest: `index.onIssueEvent` → export `onIssueEvent` of
 * `src/index.ts`, as Forge loads it from the built bundle. Throws listing every missing handler.
 */
export function loadHandlers(appRoot: string, functions: Iterable<FunctionDef>): Map<string, ForgeHandler> {
  const handlers = new Map<string, ForgeHandler>();
  const problems: string[] = [];
  for (const fn of functions) {
    const dot = fn.handler.lastIndexOf('.');
    const file = fn.handler.slice(0, dot);
    const exportName = fn.handler.slice(dot + 1);
    try {
      const mod = requireSource(resolveSource(appRoot, file));
      const exported = mod !== null && typeof mod === 'object' ? (mod as Record<string, unknown>)[exportName] : undefined;
      if (typeof exported !== 'function') {
        problems.push(`function '${fn.key}': src/${file} has no exported function '${exportName}' (found ${typeof exported})`);
        continue;
      }
      handlers.set(fn.key, (payload, context) => (exported as ForgeHandler)(payload, context));
    } catch (e) {
      problems.push(`function '${fn.key}': cannot load src/${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (problems.length) throw new Error(`The app's handlers cannot be loaded:\n${problems.join('\n')}`);
  return handlers;
}
