/** A resolver call that failed, with a message fit to show to the admin. */
export class ResolverError extends Error {
  override readonly name = 'ResolverError';
  constructor(
    message: string,
    /** the resolver's error code when it sent one (`{error: {code, message}}`), else 'INVOKE_FAILED' */
    readonly code: string,
  ) {
    super(message);
  }
}

/** Forge prefixes errors thrown inside a resolver with this text; the admin only needs the cause. */
const FORGE_PREFIX = /^there was an error invoking the function\s*-\s*/i;

/** A readable message for anything a resolver call can fail with. */
export function readableMessage(error: unknown): string {
  if (error instanceof Error) {
    const text = error.message.replace(FORGE_PREFIX, '').trim();
    return text === '' ? 'The request failed without a message.' : text;
  }
  if (typeof error === 'string' && error.trim() !== '') return error.trim();
  return 'The request failed without a message.';
}
