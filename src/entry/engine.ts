import { forgeDeps } from '../adapters/forge/forge-deps';
import type { EngineDeps } from '../sync/deps';
import { rulesProviderFor } from './rules-provider';

/** The engine's dependencies for one invocation. */
export function engine(cloudIdHint?: string | null): EngineDeps {
  return forgeDeps(rulesProviderFor, cloudIdHint ?? undefined);
}
