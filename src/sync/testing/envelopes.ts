import { randomUUID } from 'node:crypto';
import type { Replica } from '../../model/replica';
import type { ReplicaMessage } from '../envelope/replica-message';

/**
 * The one builder of replica envelopes for tests (unit and integration): a valid message of a new
 * issue, every field given, anything overridden. `replica` overrides merge into the replica.
 */
export function replicaEnvelope(over: Omit<Partial<ReplicaMessage>, 'replica'> & { replica?: Partial<Replica> } & Record<string, unknown> = {}): ReplicaMessage & Record<string, unknown> {
  const { replica: replicaOver, ...rest } = over;
  const issue = rest.issue ?? { id: '1', key: 'INT-1' };
  const replica: Replica = {
    key: issue.key, id: issue.id, projectKey: issue.key.replace(/-\d+$/, ''), summary: 's', description: null, type: { name: 'Task' }, priority: null, labels: [],
    status: { name: 'Open', category: null }, resolution: null, dueDate: null, assignee: null, reporter: null, comments: [], attachments: [], parent: null, links: [], components: [], fixVersions: [], customFields: {},
    created: '2026-01-01T00:00:00.000Z', updated: '2026-01-01T00:00:00.000Z',
    ...replicaOver,
  };
  return {
    v: 1, type: 'replica', connectionId: 'c1', messageId: randomUUID(), sentAt: new Date().toISOString(), from: { siteName: 'internal', cloudId: 'cloud-a' },
    issue, group: rest.group ?? { cloudId: (rest.from as { cloudId?: string } | undefined)?.cloudId ?? 'cloud-a', issueId: issue.id }, twin: null, seq: 1, ack: 0, syncBack: false, editedAt: null, fieldEditedAt: {}, commentBases: {}, deletedOrigins: [], deletedAttachmentOrigins: [],
    ...rest,
    replica,
  };
}
