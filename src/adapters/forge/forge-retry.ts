import { InvocationError, InvocationErrorCode } from '@forge/events';

/**
 * What a product event trigger returns to have Forge deliver its event again later: an
 * `InvocationError` (https://developer.atlassian.com/platform/forge/events-reference/product_events/,
 * "Retry product events": at most four retries, `retryAfter` at most 900 s). A throttled failure
 * says so (`FUNCTION_UPSTREAM_RATE_LIMITED`); anything else asks for a plain retry.
 */
export function retryEventLater(afterSeconds: number, throttled: boolean): InvocationError {
  return new InvocationError({
    retryAfter: Math.min(900, Math.max(1, Math.ceil(afterSeconds))),
    retryReason: throttled ? InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED : InvocationErrorCode.FUNCTION_RETRY_REQUEST,
  });
}
