import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Permissions } from '@forge/manifest';
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

/** What the Custom UI host needs from manifest.yml. */
export interface UiManifest {
  modules: UiModule[];
  /**
   * `permissions.content` and `permissions.external` as `@forge/csp` takes them: the sources of
   * the pages' Content-Security-Policy. `external.fetch.client` entries that name a remote are
   * resolved to the remote's `baseUrl` (as the Forge CLI's tunnel does); one that cannot be
   * resolved to a single address is left out, so the page may not connect there.
   */
  cspPermissions: Permissions;
}

const UiModuleSchema = z.looseObject({ key: z.string().min(1), resource: z.string().min(1), title: z.string().default('') });
// an egress entry's other fields (category, inScopeEUD) do not change the policy: dropped here
const Egress = z.union([z.string(), z.object({ address: z.string() })]);
const ClientEgress = z.union([z.string(), z.object({ address: z.string() }), z.object({ remote: z.string() })]);
const EgressList = z.array(Egress).optional();
const ManifestUiSchema = z.looseObject({
  modules: z.looseObject({
    'jira:adminPage': z.array(UiModuleSchema).default([]),
    'jira:issuePanel': z.array(UiModuleSchema).default([]),
  }),
  resources: z.array(z.looseObject({ key: z.string().min(1), path: z.string().min(1) })).default([]),
  remotes: z.array(z.looseObject({ key: z.string().min(1), baseUrl: z.union([z.string(), z.record(z.string(), z.string())]).optional() })).default([]),
  permissions: z
    .looseObject({
      content: z
        .looseObject({
          scripts: z.array(z.string()).optional(),
          // the only value Forge's manifest schema accepts
          styles: z.array(z.literal('unsafe-inline')).optional(),
        })
        .optional(),
      external: z
        .looseObject({
          fetch: z.looseObject({ client: z.array(ClientEgress).optional() }).optional(),
          images: EgressList,
          media: EgressList,
          scripts: EgressList,
          styles: EgressList,
          fonts: EgressList,
          frames: EgressList,
        })
        .optional(),
    })
    .default({}),
});

type ManifestUi = z.infer<typeof ManifestUiSchema>;
type EgressEntry = z.infer<typeof Egress>;

/** an egress list as @forge/csp reads it (an address string or `{address}`) */
function egressList(list: readonly EgressEntry[] | undefined): Array<string | { address: string }> | undefined {
  return list?.map((entry) => (typeof entry === 'string' ? entry : { address: entry.address }));
}

function cspPermissionsOf(manifest: ManifestUi): Permissions {
  const { content, external } = manifest.permissions;
  const client = external?.fetch?.client?.flatMap((entry): string[] => {
    if (typeof entry === 'string') return [entry];
    if ('address' in entry) return [entry.address];
    const baseUrl = manifest.remotes.find((r) => r.key === entry.remote)?.baseUrl;
    return typeof baseUrl === 'string' ? [baseUrl] : [];
  });
  const images = egressList(external?.images);
  const media = egressList(external?.media);
  const scripts = egressList(external?.scripts);
  const styles = egressList(external?.styles);
  const fonts = egressList(external?.fonts);
  const frames = egressList(external?.frames);
  const externalOut: NonNullable<Permissions['external']> = {
    ...(client === undefined ? {} : { fetch: { client } }),
    ...(images === undefined ? {} : { images }),
    ...(media === undefined ? {} : { media }),
    ...(scripts === undefined ? {} : { scripts }),
    ...(styles === undefined ? {} : { styles }),
    ...(fonts === undefined ? {} : { fonts }),
    ...(frames === undefined ? {} : { frames }),
  };
  return {
    content: {
      ...(content?.scripts === undefined ? {} : { scripts: content.scripts }),
      ...(content?.styles === undefined ? {} : { styles: content.styles }),
    },
    external: externalOut,
  };
}

/** The Custom UI modules and the CSP permissions that manifest.yml in `appRoot` declares. */
export function readUiManifest(appRoot: string): UiManifest {
  const file = path.join(appRoot, 'manifest.yml');
  const parsed = ManifestUiSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  const manifest = parsed.data;
  const resourceDir = (resourceKey: string): string => {
    const resource = manifest.resources.find((r) => r.key === resourceKey);
    if (resource === undefined) throw new Error(`manifest.yml: resource '${resourceKey}' is used by a module but not declared`);
    return path.resolve(appRoot, resource.path);
  };
  const types = ['jira:adminPage', 'jira:issuePanel'] as const;
  const modules = types.flatMap((type) =>
    manifest.modules[type].map((m) => ({ key: m.key, type, title: m.title, resourceKey: m.resource, resourceDir: resourceDir(m.resource) })),
  );
  return { modules, cspPermissions: cspPermissionsOf(manifest) };
}

/** The Custom UI modules that manifest.yml in `appRoot` declares, with their resource folders. */
export function readUiModules(appRoot: string): UiModule[] {
  return readUiManifest(appRoot).modules;
}
