import { StatsigService, type DynamicConfig, type DynamicConfigKey, type FeatureGate, type Logger } from '@forge/cli-shared';

/**
 * Forge CLI's feature-flag client without the network: every gate and dynamic config answers
 * `null`, which the CLI reads as "use the default" (the same answer it falls back to when the
 * flag service cannot be reached). No credentials and no app id are ever read.
 */
export class OfflineStatsig extends StatsigService {
  constructor(logger: Logger) {
    super(
      logger,
      undefined,
      { getCredentials: () => Promise.reject(new Error('offline: the Forge CLI feature flags are not fetched')) },
      { readConfigSection: () => Promise.resolve('missing') },
    );
  }

  override checkGate<F extends FeatureGate>(_gate: F): Promise<boolean | null> {
    return Promise.resolve(null);
  }

  override getDynamicConfig<F extends DynamicConfigKey>(_config: F): Promise<DynamicConfig[F] | null> {
    return Promise.resolve(null);
  }
}
