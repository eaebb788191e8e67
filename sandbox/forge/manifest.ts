import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { validate } from '@forge/manifest';

/** The parts of manifest.yml the sandbox platform runs. Everything else passes through untouched. */
const Key = z.string().min(1);

export const FunctionDefSchema = z.looseObject({
  key: Key,
  handler: z.string().regex(/^[\w./-]+\.\w+$/, 'handler must be "<file>.<export>"'),
  timeoutSeconds: z.number().int().positive().max(900).optional(),
});

const TriggerModuleSchema = z.looseObject({
  key: Key,
  function: Key,
  events: z.array(z.string()).min(1),
  filter: z.looseObject({ ignoreSelf: z.boolean().optional(), expression: z.string().optional() }).optional(),
});
const WebTriggerModuleSchema = z.looseObject({
  key: Key,
  function: Key,
  response: z.looseObject({ type: z.enum(['dynamic', 'static']) }).optional(),
});
const ConsumerModuleSchema = z.looseObject({ key: Key, queue: z.string().regex(/^[a-zA-Z0-9-_]+$/), function: Key });
export const SCHEDULE_INTERVALS = { fiveMinute: 5 * 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;
const ScheduledModuleSchema = z.looseObject({ key: Key, function: Key, interval: z.enum(['fiveMinute', 'hour', 'day', 'week']) });
const AnyModuleSchema = z.looseObject({ key: Key, resolver: z.looseObject({ function: Key }).optional() });

const EgressEntrySchema = z.union([z.string(), z.looseObject({ address: z.string() })]);

export const ManifestSchema = z.looseObject({
  modules: z.looseObject({
    trigger: z.array(TriggerModuleSchema).default([]),
    webtrigger: z.array(WebTriggerModuleSchema).default([]),
    consumer: z.array(ConsumerModuleSchema).default([]),
    scheduledTrigger: z.array(ScheduledModuleSchema).default([]),
    function: z.array(FunctionDefSchema).min(1),
  }).catchall(z.array(AnyModuleSchema)),
  permissions: z.looseObject({
    scopes: z.array(z.string()).default([]),
    external: z.looseObject({
      fetch: z.looseObject({ backend: z.array(EgressEntrySchema).default([]) }).optional(),
    }).optional(),
  }).optional(),
  app: z.looseObject({ id: z.string().regex(/^ari:cloud:ecosystem::app\/[0-9a-f-]+$/) }),
});
export type Manifest = z.infer<typeof ManifestSchema>;
export type FunctionDef = z.infer<typeof FunctionDefSchema>;
export type TriggerModule = z.infer<typeof TriggerModuleSchema>;
export type WebTriggerModule = z.infer<typeof WebTriggerModuleSchema>;
export type ConsumerModule = z.infer<typeof ConsumerModuleSchema>;
export type ScheduledModule = z.infer<typeof ScheduledModuleSchema>;

/** A module that has a resolver (Custom UI / UI Kit modules), with its module type. */
export interface ResolverModule {
  key: string;
  type: string;
  functionKey: string;
}

export interface LoadedManifest {
  manifest: Manifest;
  appId: string;
  functions: Map<string, FunctionDef>;
  resolverModules: Map<string, ResolverModule>;
  egress: string[];
  scopes: string[];
}

export function manifestPath(appRoot: string): string {
  return path.join(appRoot, 'manifest.yml');
}

/** Parse manifest.yml into the sandbox's view of it; throws with every problem listed. */
export function loadManifest(appRoot: string): LoadedManifest {
  const raw: unknown = parseYaml(readFileSync(manifestPath(appRoot), 'utf8'));
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`manifest.yml cannot be run by the sandbox:\n${z.prettifyError(parsed.error)}`);
  }
  const manifest = parsed.data;
  const functions = new Map(manifest.modules.function.map((f) => [f.key, f]));
  const problems: string[] = [];
  const requireFunction = (where: string, key: string): void => {
    if (!functions.has(key)) problems.push(`${where} refers to unknown function '${key}'`);
  };
  const resolverModules = new Map<string, ResolverModule>();
  for (const [type, list] of Object.entries(manifest.modules)) {
    if (!Array.isArray(list)) continue;
    for (const m of list) {
      const mod: Record<string, unknown> = m;
      if (typeof mod['function'] === 'string') requireFunction(`module '${String(mod['key'])}'`, mod['function']);
      const resolver = AnyModuleSchema.safeParse(m);
      if (resolver.success && resolver.data.resolver) {
        requireFunction(`resolver of '${resolver.data.key}'`, resolver.data.resolver.function);
        resolverModules.set(resolver.data.key, { key: resolver.data.key, type, functionKey: resolver.data.resolver.function });
      }
    }
  }
  if (problems.length) throw new Error(`manifest.yml cannot be run by the sandbox:\n${problems.join('\n')}`);
  const appId = manifest.app.id.slice('ari:cloud:ecosystem::app/'.length);
  const egress = (manifest.permissions?.external?.fetch?.backend ?? []).map((e) => (typeof e === 'string' ? e : e.address));
  return { manifest, appId, functions, resolverModules, egress, scopes: manifest.permissions?.scopes ?? [] };
}

export interface ManifestValidation {
  errors: string[];
  warnings: string[];
}

const MISSING_RESOURCE = /^missing resource '.*' is being referenced by '.*' in resources$/;

/**
 * Validate with Forge's own validator (`@forge/manifest`), offline. With `allowMissingResources`,
 * only "missing resource" errors (Custom UI not built yet) become warnings; everything else stays an error.
 */
export async function validateManifest(appRoot: string, opts: { allowMissingResources?: boolean } = {}): Promise<ManifestValidation> {
  const result = await validate(false, manifestPath(appRoot));
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const e of result.errors ?? []) {
    const where = e.line !== undefined ? ` (manifest.yml:${e.line}${e.column !== undefined ? `:${e.column}` : ''})` : '';
    const text = `${e.message}${where}`;
    if (e.level !== 'error') warnings.push(text);
    else if (opts.allowMissingResources && MISSING_RESOURCE.test(e.message)) warnings.push(text);
    else errors.push(text);
  }
  if (!result.success && errors.length === 0 && warnings.length === 0) errors.push('manifest validation failed without a message');
  return { errors, warnings };
}
