import { JiraError } from '../ports/jira';
import { RulesError } from '../ports/rules';
import { StoreError } from '../ports/store';
import { QueueError } from '../ports/queue';

/** A failure worth retrying: network, 5xx, 429. */
export class TransientError extends Error {
  /** `status`: the HTTP status behind it, when there was one (429 = throttled) */
  constructor(message: string, readonly retryAfterSeconds: number | null = null, readonly status: number | null = null) {
    super(message);
    this.name = 'TransientError';
  }
}

/** A failure retrying will not fix: configuration, rules, refused data. Blocks only its issue. */
export class PermanentError extends Error {
  /** `status`: the HTTP status of the refusal, when a remote site refused (404: it has no such thing) */
  constructor(message: string, readonly status: number | null = null) {
    super(message);
    this.name = 'PermanentError';
  }
}

/** Bad input from a user or a caller: shown as is, nothing changed. */
export class UserError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'UserError';
  }
}

export interface Classified {
  kind: 'transient' | 'permanent';
  message: string;
  retryAfterSeconds: number | null;
  /**
   * The platform asked us to slow down (a 429 from Jira or the other site, KVS
   * `RATE_LIMIT_EXCEEDED`): retried after Retry-After without using up the issue's attempts.
   */
  throttled: boolean;
}

export function classify(error: unknown): Classified {
  if (error instanceof TransientError) return { kind: 'transient', message: error.message, retryAfterSeconds: error.retryAfterSeconds, throttled: error.status === 429 };
  if (error instanceof JiraError) {
    const transient = error.status === 0 || error.status === 429 || error.status >= 500;
    const where = error.status === 0 ? 'Jira unreachable' : `Jira answered ${error.status}`;
    return { kind: transient ? 'transient' : 'permanent', message: `${where}: ${error.message}`, retryAfterSeconds: error.retryAfterSeconds, throttled: error.status === 429 };
  }
  if (error instanceof StoreError) {
    const throttled = error.status === 429 || error.code === 'RATE_LIMIT_EXCEEDED';
    const transient = throttled || error.status === 0 || error.status >= 500;
    return { kind: transient ? 'transient' : 'permanent', message: `Forge storage answered ${error.status}${error.code !== null ? ` ${error.code}` : ''}: ${error.message}`, retryAfterSeconds: error.retryAfterSeconds, throttled };
  }
  if (error instanceof QueueError) {
    return { kind: error.throttled ? 'transient' : 'permanent', message: error.message, retryAfterSeconds: error.throttled ? 60 : null, throttled: error.throttled };
  }
  if (error instanceof RulesError) {
    const where = error.line !== null ? ` (line ${error.line}${error.column !== null ? `:${error.column}` : ''})` : '';
    return { kind: 'permanent', message: `${error.script} rules${where}: ${error.message}`, retryAfterSeconds: null, throttled: false };
  }
  if (error instanceof PermanentError || error instanceof UserError) return { kind: 'permanent', message: error.message, retryAfterSeconds: null, throttled: false };
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind: 'permanent', message: `unexpected failure: ${message}`, retryAfterSeconds: null, throttled: false };
}

export interface RetryPolicy {
  /** attempts before the item is recorded as an error */
  maxAttempts: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelaySeconds: 5, maxDelaySeconds: 900 };

/**
 * The wait before the next attempt: what Retry-After says when the answer gave one (at least 1 s;
 * at most 900 s, the longest delay a Forge queue push takes, after which the next answer says how
 * long is left), else capped exponential backoff.
 * https://developer.atlassian.com/cloud/jira/platform/rate-limiting/ ("respect the Retry-After header")
 */
export function retryDelaySeconds(policy: RetryPolicy, attempt: number, retryAfterSeconds: number | null): number {
  if (retryAfterSeconds !== null && retryAfterSeconds > 0) return Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(1, Math.ceil(retryAfterSeconds)));
  return Math.min(policy.maxDelaySeconds, policy.baseDelaySeconds * 2 ** attempt);
}

/** the longest `delayInSeconds` a Forge queue push accepts (https://developer.atlassian.com/platform/forge/runtime-reference/async-events-api/) */
export const MAX_QUEUE_DELAY_SECONDS = 900;
