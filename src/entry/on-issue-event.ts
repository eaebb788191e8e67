import { z } from 'zod';
import { handleIssueEvent, handleIssueLinkEvent } from '../sync/trigger';
import { engine } from './engine';
import { classify } from '../sync/errors';
import { retryEventLater } from '../adapters/forge/forge-retry';

const IdSchema = z.union([z.string(), z.number()]).transform(String);
const ContextSchema = z.looseObject({ cloudId: z.string() }).optional();

const ProductEventSchema = z.looseObject({
  eventType: z.string(),
  issue: z.looseObject({
    id: IdSchema,
    fields: z.looseObject({ project: z.looseObject({ key: z.string() }).optional() }).optional(),
  }),
  changelog: z.looseObject({ items: z.array(z.looseObject({ field: z.string() })) }).nullish(),
  context: ContextSchema,
});

/**
 * `avi:jira:created:issuelink` and `avi:jira:deleted:issuelink`: no `issue`, the link's own `id`,
 * `sourceIssueId`, `destinationIssueId` (and their projects' ids) and `issueLinkType` at the top
 * (https://developer.atlassian.com/platform/forge/events-reference/jira/, "Issue link events").
 */
const IssueLinkEventSchema = z.looseObject({
  eventType: z.enum(['avi:jira:created:issuelink', 'avi:jira:deleted:issuelink']),
  sourceIssueId: IdSchema,
  destinationIssueId: IdSchema,
  context: ContextSchema,
});
const ISSUE_LINK_EVENTS: ReadonlySet<string> = new Set(IssueLinkEventSchema.shape.eventType.options);
const EventTypeSchema = z.looseObject({ eventType: z.string() });

/**
 * Trigger `issue-events`: decides from storage alone and pushes one queue event per connection. A
 * transient failure (storage or the queue pacing us, a 5xx) asks Forge to deliver the event again
 * (at most four times); should all fail, the sweeper's search for changes not sent finds the issue
 * (src/sync/anti-entropy.ts). A permanent failure is thrown: Forge logs it and does not retry.
 */
export async function onIssueEvent(payload: unknown): Promise<ReturnType<typeof retryEventLater> | undefined> {
  const event = ISSUE_LINK_EVENTS.has(EventTypeSchema.parse(payload).eventType)
    ? { link: IssueLinkEventSchema.parse(payload) }
    : { issue: ProductEventSchema.parse(payload) };
  const deps = engine(('link' in event ? event.link : event.issue).context?.cloudId);
  try {
    if ('link' in event) {
      // a link made or removed changes both its issues: each is synced as an updated one
      const { eventType, sourceIssueId, destinationIssueId } = event.link;
      await handleIssueLinkEvent(deps, { eventType, sourceIssueId, destinationIssueId });
    } else {
      const { issue } = event;
      await handleIssueEvent(
        deps,
        {
          eventType: issue.eventType, issueId: issue.issue.id, projectKey: issue.issue.fields?.project?.key ?? null,
          changedFields: issue.changelog ? issue.changelog.items.map((i) => i.field) : null,
        },
        (connection) => (connection.rulesConfig.remoteKeyField !== null ? [connection.rulesConfig.remoteKeyField] : []),
      );
    }
  } catch (error) {
    const failure = classify(error);
    if (failure.kind !== 'transient') throw error;
    return retryEventLater(failure.retryAfterSeconds ?? 5, failure.throttled);
  }
  return undefined;
}
