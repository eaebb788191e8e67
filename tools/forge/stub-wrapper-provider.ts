import type { RuntimeScript, WrapperProvider } from '@forge/bundler/out/wrapper-provider';

/** The version written to runtime.json for the stub, where `forge deploy` writes the CDN path. */
export const STUB_RUNTIME_VERSION = 'offline-stub';

/**
 * What the stub stands for: `forge deploy` downloads the Forge Node runtime's wrapper script from
 * Atlassian's runtime CDN (NetworkWrapperProvider in @forge/bundler) and packs it as
 * `__forge__.cjs`. On Forge that script is what Node starts: it installs the platform globals
 * (`__forge_fetch__`, `__forge_runtime__`), loads the bundled `index.cjs` and calls the manifest's
 * handler for each invocation. We cannot fetch it offline, so this stub takes its place and the
 * archive keeps the layout a deploy produces. It is not deployable: started, it only throws.
 */
const STUB_SCRIPT = `'use strict';
// Offline stand-in for the Forge Node runtime wrapper (built by tools/forge/bundle.ts).
// forge deploy puts Atlassian's runtime wrapper here; this file must never be deployed.
throw new Error('__forge__.cjs is an offline stub of the Forge runtime wrapper: build with forge deploy to run on Forge');
`;

/** A WrapperProvider that answers with the stub and, like a deploy with the runtime-loader gate off, no loader. */
export class StubWrapperProvider implements WrapperProvider {
  getNodeRuntimeWrapper(): Promise<RuntimeScript> {
    return Promise.resolve({ script: STUB_SCRIPT, source: 'tools/forge/stub-wrapper-provider.ts', version: STUB_RUNTIME_VERSION });
  }

  getNodeRuntimeLoader(): Promise<RuntimeScript | undefined> {
    return Promise.resolve(undefined);
  }
}
