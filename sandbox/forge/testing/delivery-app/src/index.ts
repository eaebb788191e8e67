/**
 * Handlers of the delivery test app (sandbox/forge/delivery.test.ts). Each records what it was
 * invoked with in KVS (`attempt:<moduleKey>:<issueKey>:<retryCount>`), which survives a restart on
 * the same data folder; then it behaves as the issue's summary says:
 *
 * - `ok`: returns normally;
 * - `retry <seconds>`: always returns an InvocationError with that retryAfter (and retryData);
 * - `retry`: always returns `new InvocationError()` (the package's defaults);
 * - `throw`: throws;
 * - `hang`: never returns; `hang-first`: never returns on its first delivery, returns on a retry.
 */
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { kvs } from '@forge/kvs';

interface TriggerPayload {
  eventType: string;
  issue: { key: string; fields: Record<string, unknown> };
  selfGenerated: boolean;
  context: { cloudId: string; moduleKey: string };
  retryContext?: { retryCount: number; retryReason: string; retryData?: unknown };
}

async function handle(event: TriggerPayload): Promise<unknown> {
  const retryCount = event.retryContext?.retryCount ?? 0;
  await kvs.set(`attempt:${event.context.moduleKey}:${event.issue.key}:${retryCount}`, {
    eventType: event.eventType,
    retryContext: event.retryContext ?? null,
    payloadKeys: Object.keys(event).sort(),
  });
  const summary = String(event.issue.fields['summary'] ?? '');
  const retry = /^retry(?: (\d+))?$/.exec(summary);
  if (retry) {
    if (retry[1] === undefined) return new InvocationError();
    return new InvocationError({ retryAfter: Number(retry[1]), retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED, retryData: { attempt: retryCount } });
  }
  if (summary === 'throw') throw new Error(`the app failed on ${event.issue.key}`);
  if (summary === 'hang' || (summary === 'hang-first' && retryCount === 0)) await new Promise(() => undefined);
  return undefined;
}

export async function onEvent(event: TriggerPayload): Promise<unknown> {
  return handle(event);
}

export async function onEventSecond(event: TriggerPayload): Promise<unknown> {
  return handle(event);
}

/** scheduled: counts its runs */
export async function tick(): Promise<void> {
  const n = (await kvs.get<number>('ticks')) ?? 0;
  await kvs.set('ticks', n + 1);
}
