import type { EngineDeps } from './deps';
import { localLock, type OutgoingEvent } from '../model/queue-event';
import type { Connection } from './state/records';
import { keys } from './state/keys';
import { Repo } from './state/repo';

/** A product event reduced to what the trigger decides on. */
export interface IssueEventInput {
  eventType: string;
  issueId: string;
  /** names of the fields in the changelog (updated events), null when unknown */
  changedFields: string[] | null;
  /** the issue's project key from the event payload, when present */
  projectKey?: string | null;
}

/**
 * The projects a scope of the simple form `project = X` / `project in (X, Y)` selects, or null when
 * the scope is anything else (then the consumer's one search decides).
 */
export function scopeProjects(jql: string): string[] | null {
  const match = /^\s*project\s*(?:=\s*("[^"]+"|'[^']+'|[A-Za-z0-9_]+)|in\s*\(([^)]*)\))\s*$/i.exec(jql);
  if (!match) return null;
  const list = match[1] !== undefined ? [match[1]] : (match[2] ?? '').split(',');
  const keys = list.map((k) => k.trim().replace(/^["']|["']$/g, '')).filter((k) => /^[A-Za-z0-9_]+$/.test(k));
  return keys.length > 0 ? keys.map((k) => k.toUpperCase()) : null;
}

/** Changes no replica depends on: an update touching only these is not worth a sync. */
const NEVER_SYNCED = new Set(['rank', 'watchers', 'votes', 'timespent', 'worklogid']);

/**
 * An issue link made or removed (`avi:jira:created:issuelink`, `avi:jira:deleted:issuelink`): the
 * link's two issues, which it changed both (each shows the link in its `issuelinks`).
 */
export interface IssueLinkEventInput {
  eventType: string;
  sourceIssueId: string;
  destinationIssueId: string;
}

/**
 * Decides in milliseconds, from storage only (no REST): for each active sending connection, the
 * issue is a candidate when it is linked or the connection has a scope (the consumer's single read
 * checks the scope JQL and reads the issue at once). Pushes one queue event per connection.
 */
export async function handleIssueEvent(deps: EngineDeps, input: IssueEventInput, ignoredFields: (connection: Connection) => readonly string[] = () => []): Promise<number> {
  return pushOutgoing(deps, [input], ignoredFields);
}

/**
 * A link's creation or deletion is a change of both its issues, decided for each as an issue update
 * whose changed fields are unknown (so never filtered out): one queue event per issue and connection.
 * The event names the issues' projects by id only, so the scope's projects cannot rule either out here.
 */
export async function handleIssueLinkEvent(deps: EngineDeps, input: IssueLinkEventInput): Promise<number> {
  const issueIds = [...new Set([input.sourceIssueId, input.destinationIssueId])];
  return pushOutgoing(deps, issueIds.map((issueId) => ({ eventType: input.eventType, issueId, changedFields: null, projectKey: null })), () => []);
}

async function pushOutgoing(deps: EngineDeps, inputs: readonly IssueEventInput[], ignoredFields: (connection: Connection) => readonly string[]): Promise<number> {
  const repo = new Repo(deps.store);
  const connections = (await repo.listConnections()).filter((c) => c.status === 'active' && c.direction !== 'receive-only');
  const events: OutgoingEvent[] = [];
  /** the events of issues a person changed (not just created) */
  const changed: OutgoingEvent[] = [];
  for (const input of inputs) {
    for (const connection of connections) {
      // A scope that may hold the issue makes it a candidate linked or not: the link is read only when it decides.
      const projects = connection.scopeJql !== null ? scopeProjects(connection.scopeJql) : null;
      const mayBeInScope = connection.scopeJql !== null && (!input.projectKey || projects === null || projects.includes(input.projectKey.toUpperCase()));
      if (!mayBeInScope && !(await repo.getLink(connection.id, input.issueId))) continue;
      if (input.eventType === 'avi:jira:updated:issue' && input.changedFields !== null) {
        const ignored = new Set([...NEVER_SYNCED, ...ignoredFields(connection).map((f) => f.toLowerCase())]);
        if (input.changedFields.every((f) => ignored.has(f.toLowerCase()))) continue;
      }
      const event: OutgoingEvent = { kind: 'outgoing', connectionId: connection.id, localIssueId: input.issueId, syncBack: false, reason: 'event', lock: localLock(connection.id, input.issueId), attempt: 0 };
      events.push(event);
      if (input.eventType !== 'avi:jira:created:issue') changed.push(event);
    }
  }
  if (events.length > 0) {
    // A person changed the issue: incoming work must read it again rather than trust the link's
    // snapshot. A new issue has no link, so nothing holds a snapshot of it yet.
    if (changed.length > 0) {
      const at = deps.clock.now();
      await deps.store.transact(changed.map((e) => ({ op: 'set' as const, key: keys.dirty(e.connectionId, e.localIssueId), value: { at }, ttlSeconds: 7 * 24 * 3600 })));
    }
    await deps.queue.push(events);
  }
  return events.length;
}
