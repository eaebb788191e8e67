import { JiraError } from '../ports/jira';
import { RulesError } from '../ports/rules';

/** A failure worth retrying: network, 5xx, 429. */
export class TransientError extends Error {
  constructor(message: string, readonly retryAfterSeconds: number | null = null) {
    super(message);
    this.name = 'TransientError';
  }
}

/** A failure retrying will not fix: configuration, rules, refused data. Blocks only its issue. */
export class PermanentError extends Error {
  constructor(message: string) {
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
}

export function classify(error: unknown): Classified {
  if (error instanceof TransientError) return { kind: 'transient', message: error.message, retryAfterSeconds: error.retryAfterSeconds };
  if (error instanceof JiraError) {
    const transient = error.status === 0 || error.status === 429 || error.status >= 500;
    const where = error.status === 0 ? 'Jira unreachable' : `Jira answered ${error.status}`;
    return { kind: transient ? 'transient' : 'permanent', message: `${where}: ${error.message}`, retryAfterSeconds: error.retryAfterSeconds };
  }
  if (error instanceof RulesError) {
    const where = error.line !== null ? ` (line ${error.line}${error.column !== null ? `:${error.column}` : ''})` : '';
    return { kind: 'permanent', message: `${error.script} rules${where}: ${error.message}`, retryAfterSeconds: null };
  }
  if (error instanceof PermanentError || error instanceof UserError) return { kind: 'permanent', message: error.message, retryAfterSeconds: null };
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind: 'permanent', message: `unexpected failure: ${message}`, retryAfterSeconds: null };
}

export interface RetryPolicy {
  /** attempts before the item is recorded as an error */
  maxAttempts: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelaySeconds: 5, maxDelaySeconds: 900 };

/** Capped exponential backoff; Retry-After wins when it is longer. */
export function retryDelaySeconds(policy: RetryPolicy, attempt: number, retryAfterSeconds: number | null): number {
  const backoff = Math.min(policy.maxDelaySeconds, policy.baseDelaySeconds * 2 ** attempt);
  return Math.min(policy.maxDelaySeconds, Math.max(backoff, retryAfterSeconds ?? 0));
}
