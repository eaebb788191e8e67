import { z } from 'zod';
import { handleIssueEvent } from '../sync/trigger';
import { engine } from './engine';
import { classify } from '../sync/errors';
import { retryEventLater } from '../adapters/forge/forge-retry';

const ProductEventSchema = z.looseObject({
  eventType: z.string(),
  issue: z.looseObject({
    id: z.union([z.string(), z.number()]).transform(String),
    fields: z.looseObject({ project: z.looseObject({ key: z.string() }).optional() }).optional(),
  }),
  changelog: z.looseObject({ items: z.array(z.looseObject({ field: z.string() })) }).nullish(),
  context: z.looseObject({ cloudId: z.string() }).optional(),
});

/**
 * Trigger `issue-events`: decides from storage alone and pushes one queue event per connection. A
 * transient failure (storage or the queue pacing us, a 5xx) asks Forge to deliver the event again
 * (at most four times); should all fail, the sweeper's search for changes not sent finds the issue
 * (src/sync/anti-entropy.ts). A permanent failure is thrown: Forge logs it and does not retry.
 */
export async function onIssueEvent(payload: unknown): Promise<ReturnType<typeof retryEventLater> | undefined> {
  const event = ProductEventSchema.parse(payload);
  const deps = engine(event.context?.cloudId);
  try {
    await handleIssueEvent(
      deps,
      {
        eventType: event.eventType, issueId: event.issue.id, projectKey: event.issue.fields?.project?.key ?? null,
        changedFields: event.changelog ? event.changelog.items.map((i) => i.field) : null,
      },
      (connection) => (connection.rulesConfig.remoteKeyField !== null ? [connection.rulesConfig.remoteKeyField] : []),
    );
  } catch (error) {
    const failure = classify(error);
    if (failure.kind !== 'transient') throw error;
    return retryEventLater(failure.retryAfterSeconds ?? 5, failure.throttled);
  }
  return undefined;
}
