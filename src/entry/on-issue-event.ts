import { z } from 'zod';
import { handleIssueEvent } from '../sync/trigger';
import { engine } from './engine';

const ProductEventSchema = z.looseObject({
  eventType: z.string(),
  issue: z.looseObject({
    id: z.union([z.string(), z.number()]).transform(String),
    fields: z.looseObject({ project: z.looseObject({ key: z.string() }).optional() }).optional(),
  }),
  changelog: z.looseObject({ items: z.array(z.looseObject({ field: z.string() })) }).nullish(),
  context: z.looseObject({ cloudId: z.string() }).optional(),
});

/** Trigger `issue-events`: decides from storage alone and pushes one queue event per connection. */
export async function onIssueEvent(payload: unknown): Promise<void> {
  const event = ProductEventSchema.parse(payload);
  const deps = engine(event.context?.cloudId);
  await handleIssueEvent(
    deps,
    {
      eventType: event.eventType, issueId: event.issue.id, projectKey: event.issue.fields?.project?.key ?? null,
      changedFields: event.changelog ? event.changelog.items.map((i) => i.field) : null,
    },
    (connection) => (connection.rulesConfig.remoteKeyField !== null ? [connection.rulesConfig.remoteKeyField] : []),
  );
}
