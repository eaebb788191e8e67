import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** A Custom UI module of manifest.yml with the folder its resource is built into. */
export interface UiModule {
  key: string;
  type: 'jira:adminPage' | 'jira:issuePanel';
  title: string;
  resourceKey: string;
  /** absolute path of the resource folder (e.g. <appRoot>/static/admin/build) */
  resourceDir: string;
}

const UiModuleSchema = z.looseObject({ key: z.string().min(1), resource: z.string().min(1), title: z.string().default('') });
const ManifestUiSchema = z.looseObject({
  modules: z.looseObject({
    'jira:adminPage': z.array(UiModuleSchema).default([]),
    'jira:issuePanel': z.array(UiModuleSchema).default([]),
  }),
  resources: z.array(z.looseObject({ key: z.string().min(1), path: z.string().min(1) })).default([]),
});

/** The Custom UI modules that manifest.yml in `appRoot` declares, with their resource folders. */
export function readUiModules(appRoot: string): UiModule[] {
  const file = path.join(appRoot, 'manifest.yml');
  const manifest = ManifestUiSchema.parse(parseYaml(readFileSync(file, 'utf8')));
  const resourceDir = (resourceKey: string): string => {
    const resource = manifest.resources.find((r) => r.key === resourceKey);
    if (resource === undefined) throw new Error(`manifest.yml: resource '${resourceKey}' is used by a module but not declared`);
    return path.resolve(appRoot, resource.path);
  };
  const types = ['jira:adminPage', 'jira:issuePanel'] as const;
  return types.flatMap((type) =>
    manifest.modules[type].map((m) => ({ key: m.key, type, title: m.title, resourceKey: m.resource, resourceDir: resourceDir(m.resource) })),
  );
}
