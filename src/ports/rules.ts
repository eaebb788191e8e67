import type { CustomFieldMeta } from '../model/custom-field';
import type { Mappings, UnmappedValue } from '../model/mappings';
import type { AdfDoc, IssueRef, JsonValue, Replica, ReplicaLink, UserRef } from '../model/replica';
import type { LocalAttachment } from './jira';

/**
 * The one interface through which the sync engine calls sync rules (architecture §6).
 * The QuickJS script engine implements it, for saved scripts and the default scripts alike (src/rules).
 */

/** A local comment as the rules see it. */
export interface RulesComment {
  id: string;
  author: UserRef | null;
  body: AdfDoc;
  created: string;
  updated: string;
  /** id of the remote comment this one is a copy of, when the app wrote it; else null */
  originId: string | null;
}

/**
 * A local attachment as the rules see it (`id` '' in the incoming rules' result: a copy to make of
 * the remote attachment `originId`).
 */
export interface RulesAttachment extends LocalAttachment {
  /** id of the remote attachment this one is a copy of, when the app made it; else null */
  originId: string | null;
}

/** The local issue as the rules see it (the `issue` global). */
export interface RulesIssue {
  /** null until the twin exists (first incoming sync) */
  key: string | null;
  id: string | null;
  projectKey: string | null;
  summary: string;
  description: AdfDoc | null;
  typeName: string | null;
  priority: string | null;
  labels: string[];
  status: string | null;
  /** the resolution's name, null when unresolved */
  resolution: string | null;
  dueDate: string | null;
  assignee: UserRef | null;
  reporter: UserRef | null;
  comments: RulesComment[];
  /** the attachments: in the incoming result, the ones the issue should have (copies to make with id '') */
  attachments: RulesAttachment[];
  /** the parent issue, here (in the incoming result: the local twin of the remote's parent), or null */
  parent: IssueRef | null;
  /**
   * The issue links, here (in the incoming result: the links the issue should have to other synced
   * issues; links to issues the connection does not sync are kept whatever the list says)
   */
  links: ReplicaLink[];
  /** component names */
  components: string[];
  /** fix version names */
  fixVersions: string[];
  /** custom fields by display name, values by value (src/model/custom-field.ts); names match case-insensitively in scripts */
  customFields: Record<string, { value: JsonValue }>;
  /** ISO timestamps of the local issue (absent on the blank issue of a first sync); added by the sync engine */
  created?: string;
  updated?: string;
}

/** Metadata prefetched before a rules run so that helpers answer synchronously. */
export interface RulesMetadata {
  /** issue type names per project key */
  issueTypes: Record<string, { id: string; name: string; subtask: boolean }[]>;
  priorities: { id: string; name: string }[];
  /** the site's resolutions */
  resolutions: { id: string; name: string }[];
  statuses: { id: string; name: string; category: string }[];
  users: UserRef[];
  /** custom fields available on this site, by display name, with their kinds and options */
  customFields: CustomFieldMeta[];
  /** the site's issue link types */
  linkTypes: { name: string; inward: string; outward: string }[];
  /**
   * The local twins of the remote issues a replica names (its parent, its links' other ends), by
   * the remote issue id: what nodeHelper.getLocalIssue answers. Filled by the sync engine.
   */
  twins?: Record<string, IssueRef>;
  /**
   * The people the replica names, mapped here (src/sync/people.ts), by their remote account id:
   * what nodeHelper.mapUser answers. Filled by the sync engine.
   */
  mappedPeople?: Record<string, MappedPerson>;
}

/** A person of the other site as found here. */
export interface MappedPerson {
  /** the person here, or null: nobody (unassigned) */
  local: UserRef | null;
  how: 'table' | 'same account' | 'email' | 'fallback' | 'none';
}

/** How people of the other site are found here (nodeHelper.mapUser). */
export interface PeopleSettings {
  /** the admin's table: remote account id → local account id */
  userMappings: { remote: string; local: string }[];
  /** who takes a person that could not be mapped: null = nobody (unassigned) */
  fallbackAccountId: string | null;
}

export interface RulesConnection {
  id: string;
  name: string;
  remoteSiteName: string;
  /** base URL of the remote site, for getRemoteIssueUrl() */
  remoteBaseUrl: string | null;
  direction: 'both' | 'send-only' | 'receive-only';
}

export interface OutgoingRulesInput {
  issue: RulesIssue & { key: string; id: string; projectKey: string };
  connection: RulesConnection;
}

export interface IncomingRulesInput {
  replica: Replica;
  /** current local twin, or a blank issue (all nulls, empty lists) on first sync */
  issue: RulesIssue;
  /** the last replica applied for this link, or null */
  previous: Replica | null;
  firstSync: boolean;
  /** true when the incoming message is itself a sync-back */
  syncBackMessage: boolean;
  connection: RulesConnection;
  metadata: RulesMetadata;
}

export interface RulesLog {
  level: 'log' | 'warn' | 'error';
  message: string;
}

export interface OutgoingRulesResult {
  replica: Replica;
  logs: RulesLog[];
}

export interface IncomingRulesResult {
  /** the issue after the rules ran: the desired local values */
  desired: RulesIssue;
  /** syncBackAfterProcessing() was called */
  syncBack: boolean;
  /** unlinkAfterProcessing() was called */
  unlink: boolean;
  /**
   * syncHelper.waitFor(remoteKey, reason) was called: the replica is applied only once these remote
   * issues are synced here (a parent first); nothing is written meanwhile. Absent: none.
   */
  waitFor?: { key: string; reason: string }[];
  /** warnings the helpers gave about this issue (a person or an option not mapped), shown on the issue */
  warnings?: string[];
  /**
   * What the helpers could not carry here, by the label the script gave (nodeHelper.mapUser's:
   * "assignee", "reporter", a custom field's name): the value written is not the remote's, so it
   * keeps the time of the value it replaced (the remote's value is not overwritten by it).
   */
  held?: string[];
  /** values of the other site no mapping row maps and that do not exist here (src/model/mappings.ts); absent: none */
  unmapped?: UnmappedValue[];
  logs: RulesLog[];
}

/** A failure in a rule: shown as that issue's sync error. */
export class RulesError extends Error {
  constructor(
    message: string,
    readonly script: 'outgoing' | 'incoming',
    readonly line: number | null = null,
    readonly column: number | null = null,
    /** set when a resource limit stopped the script */
    readonly limit: 'cpu' | 'memory' | 'stack' | null = null,
  ) {
    super(message);
    this.name = 'RulesError';
  }
}

export interface RulesEngine {
  /** the value mappings the scripts see (`mappings`); absent: none */
  readonly mappings?: Mappings;
  outgoing(input: OutgoingRulesInput): Promise<OutgoingRulesResult>;
  incoming(input: IncomingRulesInput): Promise<IncomingRulesResult>;
}
