import type {
  IncomingRulesInput, IncomingRulesResult, OutgoingRulesInput, OutgoingRulesResult, RulesEngine, RulesIssue, RulesLog, RulesMetadata,
} from '../../ports/rules';
import type { Replica, UserRef } from '../../model/replica';
import type { DefaultRulesConfig } from '../../sync/state/records';
import { mergeComments } from './merge-comments';

const same = (a: string | null | undefined, b: string | null | undefined) => a !== null && a !== undefined && b !== null && b !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * The built-in sync rules, in TypeScript (the script rules' defaults must behave the same).
 * Outgoing: every synced field, custom fields by name except the remote-key field.
 * Incoming: copy every field that exists here (names matched case-insensitively); on first sync
 * choose the project and issue type and, when configured, sync back; write the remote key.
 */
export class DefaultRules implements RulesEngine {
  constructor(readonly config: DefaultRulesConfig) {}

  async outgoing(input: OutgoingRulesInput): Promise<OutgoingRulesResult> {
    const issue = input.issue;
    const customFields: Replica['customFields'] = {};
    for (const [name, field] of Object.entries(issue.customFields)) {
      if (same(name, this.config.remoteKeyField)) continue;
      customFields[name] = { value: field.value };
    }
    const now = new Date(0).toISOString();
    const replica: Replica = {
      key: issue.key,
      id: issue.id,
      projectKey: issue.projectKey,
      summary: issue.summary,
      description: issue.description,
      type: { name: issue.typeName ?? 'Task' },
      priority: issue.priority !== null ? { name: issue.priority } : null,
      labels: [...issue.labels],
      status: { name: issue.status ?? 'Open', category: null },
      dueDate: issue.dueDate,
      assignee: issue.assignee,
      reporter: issue.reporter,
      comments: issue.comments.map((c) => ({ id: c.id, author: c.author, body: c.body, created: c.created, updated: c.updated, originId: c.originId })),
      customFields,
      created: issue.created ?? now,
      updated: issue.updated ?? now,
    };
    return { replica, logs: [] };
  }

  async incoming(input: IncomingRulesInput): Promise<IncomingRulesResult> {
    const { replica, metadata } = input;
    const logs: RulesLog[] = [];
    const issue: RulesIssue = structuredClone(input.issue);
    let syncBack = false;
    if (input.firstSync) {
      const projectKey = this.targetProject(replica, metadata);
      issue.projectKey = projectKey;
      const types = metadata.issueTypes[projectKey] ?? [];
      issue.typeName = types.find((t) => same(t.name, replica.type.name))?.name ?? types.find((t) => same(t.name, 'Task'))?.name ?? 'Task';
      issue.reporter = userHere(metadata, replica.reporter) ?? null;
      if (this.config.syncBackOnFirstSync) syncBack = true;
    }
    issue.summary = replica.summary;
    issue.description = replica.description;
    if (replica.priority === null) issue.priority = null;
    else {
      const priority = metadata.priorities.find((p) => same(p.name, replica.priority?.name));
      if (priority) issue.priority = priority.name;
      else logs.push({ level: 'warn', message: `priority "${replica.priority.name}" does not exist here; kept the local one` });
    }
    issue.labels = [...replica.labels];
    const status = metadata.statuses.find((s) => same(s.name, replica.status.name));
    if (status) issue.status = status.name;
    else logs.push({ level: 'warn', message: `status "${replica.status.name}" does not exist here; kept the local one` });
    issue.dueDate = replica.dueDate;
    if (replica.assignee === null) issue.assignee = null;
    else {
      const assignee = userHere(metadata, replica.assignee);
      if (assignee) issue.assignee = assignee;
    }
    for (const [name, field] of Object.entries(replica.customFields)) {
      if (same(name, this.config.remoteKeyField)) continue;
      const local = metadata.customFields.find((f) => same(f.name, name));
      if (local) issue.customFields[local.name] = { value: field.value };
    }
    if (this.config.remoteKeyField !== null) {
      const keyField = metadata.customFields.find((f) => same(f.name, this.config.remoteKeyField));
      if (keyField) issue.customFields[keyField.name] = { value: replica.key };
    }
    issue.comments = mergeComments(issue, replica, input.previous);
    return { desired: issue, syncBack, unlink: false, logs };
  }

  private targetProject(replica: Replica, metadata: RulesMetadata): string {
    if (this.config.targetProjectKey !== null) return this.config.targetProjectKey;
    const projects = Object.keys(metadata.issueTypes);
    return projects.find((p) => p === replica.projectKey) ?? projects[0] ?? replica.projectKey;
  }
}

/** The local user with the same email, when the remote user's email is visible. */
function userHere(metadata: RulesMetadata, user: UserRef | null): UserRef | undefined {
  if (user === null || user.email === null) return undefined;
  return metadata.users.find((u) => same(u.email, user.email));
}
