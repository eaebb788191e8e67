import { z } from 'zod';
import {
  RulesError,
  type OutgoingRulesInput,
  type RulesComment,
  type RulesConnection,
  type RulesIssue,
  type RulesLog,
  type RulesMetadata,
} from '../ports/rules';
import { RulesVersionConflictError, type RulesDraft, type RulesLimits, type RulesStore, type RulesVersionInfo, type StoredRules } from '../ports/rules-store';
import type { JsonValue, Replica, UserRef } from '../model/replica';
import { EMPTY_MAPPINGS, MappingsSchema, type Mappings } from '../model/mappings';
import type { SeenValue } from '../sync/mapping-values';
import { MAX_CPU_MS } from './stored-rules-schema';
import { defaultScripts, type DefaultScriptsConfig } from './default-scripts';
import { createScriptRulesEngine } from './script-engine';
import { ScriptRulesError } from './script-errors';
import { RulesLimitsSchema } from './stored-rules-schema';
import { validateRules, type RulesValidationError, type RulesValidationResult } from './validate';
import { StorageIdSchema } from '../sync/state/keys';
import { JiraIssueKeySchema } from '../sync/envelope/common';

/**
 * Managing a connection's rules from the admin page: read (any kept version), validate, save a new
 * version (refused when invalid: the previous rules stay), and dry-run against a real issue without
 * writing anything. Pure logic over injected deps; the resolvers only parse payloads and wire deps.
 */

export interface RulesAdminDeps {
  rulesStore: RulesStore;
  /** the connection as the rules see it, with its rules configuration (what the default scripts take); null when unknown */
  getConnection(connectionId: string): Promise<{ connection: RulesConnection; defaults: DefaultScriptsConfig } | null>;
  /** the local issue as the rules see it (comment copies of this connection carry their originId); null when not found */
  readIssue(connectionId: string, issueKey: string): Promise<OutgoingRulesInput['issue'] | null>;
  /** the last replica applied to this local issue through the connection, or null */
  lastReceived(connectionId: string, localIssueId: string): Promise<Replica | null>;
  /** the site's metadata; `customFields`: load the options of these fields (by name) */
  getMetadata(options?: { accountIds?: string[]; customFields?: Record<string, string[]> }): Promise<RulesMetadata>;
  /**
   * The metadata an apply of `replica` runs with, as the sync builds it (src/sync/incoming.ts): the
   * people it names mapped here with `mappings`' people table, the twins of the issues it names.
   */
  metadataFor(connectionId: string, replica: Replica, mappings: Mappings): Promise<RulesMetadata>;
  /** a page of the issues this connection syncs (its twins), at most `limit`, from `cursor` */
  listSynced(connectionId: string, cursor: string | null, limit: number): Promise<{ issues: { localIssueId: string; localKey: string; remoteKey: string | null }[]; cursor: string | null }>;
  /** the other site's values seen in replicas (src/sync/mapping-values.ts) */
  seenValues(connectionId: string): Promise<SeenValue[]>;
  /** people of this site whose name (or email) matches, for the people table */
  searchUsers(query: string): Promise<UserRef[]>;
  /** milliseconds, for the preview's time budget */
  clockMs(): number;
  /** ISO timestamp */
  now(): string;
  /** account id of the admin making the call */
  actorAccountId: string | null;
}

/** A failure to show as is (nothing changed); `code` tells the UI what happened. */
export class RulesAdminError extends Error {
  constructor(
    readonly code: 'not-found' | 'conflict' | 'too-large',
    message: string,
  ) {
    super(message);
    this.name = 'RulesAdminError';
  }
}

const IdSchema = StorageIdSchema;
/** hard cap of the payload; validateRules reports scripts above MAX_SCRIPT_CHARS with a clear message */
const ScriptSchema = z.string().max(1_000_000);
/** a rules version (8 digits in its storage key, src/rules/kv-rules-store.ts) */
const MAX_VERSION = 99_999_999;

export const GetRulesPayloadSchema = z.strictObject({ connectionId: IdSchema, version: z.number().int().min(1).max(MAX_VERSION).exactOptional() });
export const ValidateRulesPayloadSchema = z.strictObject({
  outgoing: ScriptSchema,
  incoming: ScriptSchema,
  connectionId: IdSchema.exactOptional(),
  limits: RulesLimitsSchema.exactOptional(),
});
/** the version an edit started from (0 = the defaults); absent = the current one */
const BaseVersionSchema = z.number().int().min(0).max(MAX_VERSION).exactOptional();

export const SaveRulesPayloadSchema = z.strictObject({
  connectionId: IdSchema,
  outgoing: ScriptSchema,
  incoming: ScriptSchema,
  /** the version the edit started from (0 = the defaults); absent = the current one */
  baseVersion: z.number().int().min(0).max(MAX_VERSION).exactOptional(),
  /** absent = keep the current limits; null = the defaults */
  limits: RulesLimitsSchema.nullable().exactOptional(),
});
export const DryRunPayloadSchema = z.strictObject({
  connectionId: IdSchema,
  /** read from Jira by key (a URL path): Jira's key shape, as the editor sends it (trimmed, upper case) */
  issueKey: JiraIssueKeySchema,
  /** scripts to try instead of the saved ones (the editor's draft) */
  outgoing: ScriptSchema.exactOptional(),
  incoming: ScriptSchema.exactOptional(),
  /** mappings to try instead of the saved ones (the Mappings tab's draft) */
  mappings: MappingsSchema.exactOptional(),
});
export const RestoreRulesPayloadSchema = z.strictObject({
  connectionId: IdSchema,
  /** the kept version to bring back as a new version; 0: the default scripts and no mappings */
  version: z.number().int().min(0).max(MAX_VERSION),
  baseVersion: BaseVersionSchema,
});

export interface RulesView {
  connectionId: string;
  /** 0 = nothing saved: the default scripts */
  version: number;
  isDefault: boolean;
  outgoing: string;
  incoming: string;
  limits: RulesLimits | null;
  mappings: Mappings;
  savedAt: string | null;
  savedBy: string | null;
  /** the kept versions, newest first */
  versions: RulesVersionInfo[];
  /** the version in force (0: nothing saved) */
  currentVersion: number;
}

/** A version's rules as they run: the default scripts filled in (for the connection's configuration as it is now). */
export interface EffectiveRules {
  version: number;
  /** the default scripts (not saved as text: they follow the connection's configuration) */
  isDefault: boolean;
  outgoing: string;
  incoming: string;
  mappings: Mappings;
  limits: RulesLimits | null;
}

export function effectiveRules(stored: StoredRules | null, defaults: DefaultScriptsConfig): EffectiveRules {
  if (stored === null) return { version: 0, isDefault: true, ...defaultScripts(defaults), mappings: EMPTY_MAPPINGS, limits: null };
  const scripts = stored.outgoing === null || stored.incoming === null ? defaultScripts(defaults) : { outgoing: stored.outgoing, incoming: stored.incoming };
  return { version: stored.version, isDefault: stored.outgoing === null || stored.incoming === null, ...scripts, mappings: stored.mappings, limits: stored.limits };
}

/** The engine for a version's rules (the default scripts get the most CPU an admin may give, as at sync time: src/rules/builtin/provider.ts). */
export function engineOf(rules: Pick<EffectiveRules, 'outgoing' | 'incoming' | 'mappings' | 'limits' | 'isDefault'>) {
  const limits = rules.isDefault ? { cpuMs: MAX_CPU_MS, ...rules.limits } : rules.limits;
  return createScriptRulesEngine({ outgoing: rules.outgoing, incoming: rules.incoming, mappings: rules.mappings, ...(limits === null ? {} : { limits }) });
}

export async function getRules(deps: RulesAdminDeps, payload: z.infer<typeof GetRulesPayloadSchema>): Promise<RulesView> {
  const found = await requireConnection(deps, payload.connectionId);
  const versions = await deps.rulesStore.listVersions(payload.connectionId);
  const current = versions[0]?.version ?? 0;
  const stored = payload.version === undefined ? await deps.rulesStore.getCurrent(payload.connectionId) : payload.version === 0 ? null : await deps.rulesStore.getVersion(payload.connectionId, payload.version);
  if (stored === null && payload.version !== undefined && payload.version !== 0) {
    throw new RulesAdminError('not-found', `version ${payload.version} of these rules is not kept (kept: ${versions.map((v) => v.version).join(', ') || 'none'})`);
  }
  const rules = effectiveRules(stored, found.defaults);
  return {
    connectionId: payload.connectionId,
    version: rules.version,
    isDefault: rules.isDefault,
    outgoing: rules.outgoing,
    incoming: rules.incoming,
    limits: rules.limits,
    mappings: rules.mappings,
    savedAt: stored?.savedAt ?? null,
    savedBy: stored?.savedBy ?? null,
    versions,
    currentVersion: current,
  };
}

export async function validateRulesFor(deps: RulesAdminDeps, payload: z.infer<typeof ValidateRulesPayloadSchema>): Promise<RulesValidationResult> {
  const connection = payload.connectionId === undefined ? null : (await requireConnection(deps, payload.connectionId)).connection;
  return validateRules(
    { outgoing: payload.outgoing, incoming: payload.incoming },
    { metadata: await deps.getMetadata(), ...(connection ? { connection } : {}), ...(payload.limits ? { limits: payload.limits } : {}) },
  );
}

export interface SaveRulesResult {
  ok: boolean;
  /** the version in force after the call */
  version: number;
  errors: RulesValidationError[];
}

export async function saveRules(deps: RulesAdminDeps, payload: z.infer<typeof SaveRulesPayloadSchema>): Promise<SaveRulesResult> {
  const { connection, defaults } = await requireConnection(deps, payload.connectionId);
  const current = await deps.rulesStore.getCurrent(payload.connectionId);
  const currentVersion = current?.version ?? 0;
  const limits = payload.limits === undefined ? (current?.limits ?? null) : payload.limits;
  const mappings = current?.mappings ?? EMPTY_MAPPINGS;
  const validation = await validateRules(
    { outgoing: payload.outgoing, incoming: payload.incoming },
    { metadata: await deps.getMetadata(), connection, mappings, ...(limits ? { limits } : {}) },
  );
  if (!validation.ok) return { ok: false, version: currentVersion, errors: validation.errors };
  // the default scripts' own text is kept as "the defaults": they go on following the connection's configuration
  const asDefaults = defaultScripts(defaults);
  const isDefault = payload.outgoing === asDefaults.outgoing && payload.incoming === asDefaults.incoming;
  const saved = await saveVersion(deps, payload.connectionId, {
    outgoing: isDefault ? null : payload.outgoing, incoming: isDefault ? null : payload.incoming, mappings, limits, summary: scriptsSummary(current, payload, isDefault),
  }, payload.baseVersion ?? currentVersion);
  return { ok: true, version: saved.version, errors: [] };
}

function scriptsSummary(current: StoredRules | null, payload: { outgoing: string; incoming: string }, isDefault: boolean): string {
  if (isDefault) return 'the default scripts';
  const changed = [...(current?.outgoing !== payload.outgoing ? ['outgoing script'] : []), ...(current?.incoming !== payload.incoming ? ['incoming script'] : [])];
  return changed.length === 0 ? 'limits' : changed.join(' and ');
}

/** Stores a new version (`draft` with who and when); a save based on an old version is a conflict, nothing written. */
export async function saveVersion(deps: RulesAdminDeps, connectionId: string, draft: Omit<RulesDraft, 'savedBy' | 'savedAt'>, baseVersion: number): Promise<StoredRules> {
  const full: RulesDraft = { ...draft, savedBy: deps.actorAccountId, savedAt: deps.now() };
  const bytes = Buffer.byteLength(JSON.stringify(full), 'utf8');
  if (bytes > MAX_STORED_RULES_BYTES) {
    throw new RulesAdminError('too-large', `the scripts and mappings together are ${Math.ceil(bytes / 1024)} KiB; a version holds at most ${MAX_STORED_RULES_BYTES / 1024} KiB (one Forge storage value): shorten the scripts or the tables`);
  }
  try {
    return await deps.rulesStore.save(connectionId, full, baseVersion);
  } catch (e) {
    if (e instanceof RulesVersionConflictError) {
      throw new RulesAdminError('conflict', `someone saved version ${e.currentVersion} of these rules after you opened version ${e.expectedVersion}: reload, reapply your change and save again`);
    }
    throw e;
  }
}

/**
 * A stored version is one Forge KVS value: at most 240 KiB ("Maximum value size: 240 KiB",
 * https://developer.atlassian.com/platform/forge/platform-quotas-and-limits/#kvs-and-custom-entity-store-limits);
 * a little is left for the record's own fields.
 */
export const MAX_STORED_RULES_BYTES = 236 * 1024;

/** Brings a kept version back as a new one (0: the default scripts, no mappings). */
export async function restoreRules(deps: RulesAdminDeps, payload: z.infer<typeof RestoreRulesPayloadSchema>): Promise<SaveRulesResult> {
  const { connection } = await requireConnection(deps, payload.connectionId);
  const current = await deps.rulesStore.getCurrent(payload.connectionId);
  const from = payload.version === 0 ? null : await deps.rulesStore.getVersion(payload.connectionId, payload.version);
  if (payload.version !== 0 && from === null) throw new RulesAdminError('not-found', `version ${payload.version} of these rules is not kept`);
  // scripts that were valid when saved may not be now (a status renamed since): checked again, as a save is
  if (from !== null && from.outgoing !== null && from.incoming !== null) {
    const validation = await validateRules(
      { outgoing: from.outgoing, incoming: from.incoming },
      { metadata: await deps.getMetadata(), connection, mappings: from.mappings, ...(from.limits ? { limits: from.limits } : {}) },
    );
    if (!validation.ok) return { ok: false, version: current?.version ?? 0, errors: validation.errors };
  }
  const saved = await saveVersion(deps, payload.connectionId, {
    outgoing: from?.outgoing ?? null, incoming: from?.incoming ?? null, mappings: from?.mappings ?? EMPTY_MAPPINGS, limits: from?.limits ?? null,
    summary: payload.version === 0 ? 'restored the defaults' : `restored version ${payload.version}`,
  }, payload.baseVersion ?? current?.version ?? 0);
  return { ok: true, version: saved.version, errors: [] };
}

export interface FieldChange {
  field: string;
  from: JsonValue;
  to: JsonValue;
}

export interface DryRunResult {
  issueKey: string;
  /** the rules tried: a saved version, 0 for the defaults, null for the draft given in the call */
  rulesVersion: number | null;
  /** `changes`: where the replica differs from the issue (a status sent under its mapped name, a field left out) */
  outgoing: { replica: Replica | null; changes: FieldChange[]; logs: RulesLog[]; error: RulesValidationError | null };
  incoming: {
    /** which replica was applied: the last one received for this issue, or this issue's own outgoing replica */
    source: 'last-received' | 'own-replica' | null;
    changes: FieldChange[];
    syncBack: boolean;
    unlink: boolean;
    /** what the helpers would report on the issue (an unmapped value, a person nobody here matches) */
    warnings: string[];
    logs: RulesLog[];
    error: RulesValidationError | null;
  };
}

/**
 * What the rules would do for one issue, without writing anything: the replica the outgoing script
 * would send, and the local changes the incoming script would ask for when applying the last
 * replica received for this issue (or, when nothing was received yet, the issue's own replica).
 * The engine's three-way merge may still skip some of these changes when the sync really runs.
 */
export async function dryRun(deps: RulesAdminDeps, payload: z.infer<typeof DryRunPayloadSchema>): Promise<DryRunResult> {
  const { connection, defaults } = await requireConnection(deps, payload.connectionId);
  const issue = await deps.readIssue(payload.connectionId, payload.issueKey);
  if (issue === null) throw new RulesAdminError('not-found', `issue ${payload.issueKey} does not exist or cannot be read`);
  const base = effectiveRules(await deps.rulesStore.getCurrent(payload.connectionId), defaults);
  const draft = payload.outgoing !== undefined || payload.incoming !== undefined || payload.mappings !== undefined;
  const scriptsDraft = payload.outgoing !== undefined || payload.incoming !== undefined;
  const rules = { ...base, outgoing: payload.outgoing ?? base.outgoing, incoming: payload.incoming ?? base.incoming, mappings: payload.mappings ?? base.mappings, isDefault: base.isDefault && !scriptsDraft };
  const run = await runRules(engineOf(rules), issue, await deps.lastReceived(payload.connectionId, issue.id), connection, (replica) => deps.metadataFor(payload.connectionId, replica, rules.mappings));
  return {
    issueKey: issue.key,
    rulesVersion: draft ? null : base.version,
    outgoing: { replica: run.replica, changes: run.replica === null ? [] : sentChanges(issue, run.replica), logs: run.outgoingLogs, error: run.outgoingError },
    incoming: run.incoming,
  };
}

/** One issue through a version's rules: the replica it would send, and what applying the last replica received would change here. */
export async function runRules(engine: ReturnType<typeof engineOf>, issue: OutgoingRulesInput['issue'], previous: Replica | null, connection: RulesConnection, metadataFor: (replica: Replica) => Promise<RulesMetadata>): Promise<{
  replica: Replica | null; outgoingLogs: RulesLog[]; outgoingError: RulesValidationError | null; desired: RulesIssue | null; incoming: DryRunResult['incoming'];
}> {
  let replica: Replica | null = null;
  let outgoingLogs: RulesLog[] = [];
  let outgoingError: RulesValidationError | null = null;
  try {
    const out = await engine.outgoing({ issue: structuredClone(issue), connection });
    replica = out.replica;
    outgoingLogs = out.logs;
  } catch (e) {
    outgoingLogs = logsOf(e);
    outgoingError = asValidationError(e);
  }
  const incoming: DryRunResult['incoming'] = { source: null, changes: [], syncBack: false, unlink: false, warnings: [], logs: [], error: null };
  const applying = previous ?? replica;
  if (applying === null) {
    incoming.error = { script: 'incoming', line: null, column: null, message: 'nothing to apply: no replica was received for this issue and the outgoing script failed' };
    return { replica, outgoingLogs, outgoingError, desired: null, incoming };
  }
  incoming.source = previous !== null ? 'last-received' : 'own-replica';
  try {
    const applied = await engine.incoming({ replica: applying, issue: structuredClone(issue), previous, firstSync: false, syncBackMessage: false, connection, metadata: await metadataFor(applying) });
    return {
      replica, outgoingLogs, outgoingError, desired: applied.desired,
      incoming: { ...incoming, changes: changesBetween(issue, applied.desired), syncBack: applied.syncBack, unlink: applied.unlink, warnings: applied.warnings ?? [], logs: applied.logs },
    };
  } catch (e) {
    return { replica, outgoingLogs, outgoingError, desired: null, incoming: { ...incoming, logs: logsOf(e), error: asValidationError(e) } };
  }
}

async function requireConnection(deps: RulesAdminDeps, connectionId: string): Promise<{ connection: RulesConnection; defaults: DefaultScriptsConfig }> {
  const found = await deps.getConnection(connectionId);
  if (found === null) throw new RulesAdminError('not-found', `connection ${connectionId} does not exist`);
  return found;
}

function asValidationError(e: unknown): RulesValidationError {
  if (e instanceof RulesError) return { script: e.script, line: e.line, column: e.column, message: e.message };
  throw e;
}

function logsOf(e: unknown): RulesLog[] {
  return e instanceof ScriptRulesError ? e.logs : [];
}

const FIELDS = ['projectKey', 'summary', 'description', 'typeName', 'priority', 'labels', 'status', 'resolution', 'dueDate', 'assignee', 'reporter', 'parent', 'components', 'fixVersions'] as const;

/**
 * The fields the rules changed, in the order of the issue's fields; comments and attachments one by
 * one (`attachments.new`: a copy to make of a remote attachment; `attachments.<id>`: one deleted).
 */
export function changesBetween(before: RulesIssue, after: RulesIssue): FieldChange[] {
  const changes: FieldChange[] = [];
  const differ = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);
  for (const field of FIELDS) {
    if (differ(before[field], after[field])) changes.push({ field, from: toJson(before[field]), to: toJson(after[field]) });
  }
  const names = new Set([...Object.keys(before.customFields), ...Object.keys(after.customFields)]);
  for (const name of names) {
    const from = before.customFields[name]?.value ?? null;
    const to = after.customFields[name]?.value ?? null;
    if (differ(from, to)) changes.push({ field: `customFields.${name}`, from, to });
  }
  const beforeById = new Map(before.comments.map((c) => [c.id, c]));
  const kept = new Set<string>();
  for (const c of after.comments) {
    const old = c.id === '' ? undefined : beforeById.get(c.id);
    if (old === undefined) {
      changes.push({ field: 'comments.new', from: null, to: commentJson(c) });
      continue;
    }
    kept.add(c.id);
    if (differ(old.body, c.body)) changes.push({ field: `comments.${c.id}`, from: toJson(old.body), to: toJson(c.body) });
  }
  for (const c of before.comments) if (!kept.has(c.id)) changes.push({ field: `comments.${c.id}`, from: commentJson(c), to: null });
  const keptFiles = new Set(after.attachments.map((a) => a.id));
  for (const a of after.attachments) {
    if (a.id === '') changes.push({ field: 'attachments.new', from: null, to: toJson({ originId: a.originId, filename: a.filename, size: a.size }) });
  }
  for (const a of before.attachments) if (!keptFiles.has(a.id)) changes.push({ field: `attachments.${a.id}`, from: toJson({ originId: a.originId, filename: a.filename, size: a.size }), to: null });
  return changes;
}

function commentJson(c: RulesComment): JsonValue {
  return toJson({ originId: c.originId, body: c.body });
}

function toJson(value: unknown): JsonValue {
  return value === undefined ? null : z.json().parse(JSON.parse(JSON.stringify(value)));
}

/** The fields of an issue, and of a replica, side by side by one name each (what a person reads on the issue). */
export function issueFields(issue: RulesIssue): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {
    projectKey: issue.projectKey, summary: issue.summary, description: toJson(issue.description), type: issue.typeName, priority: issue.priority,
    status: issue.status, resolution: issue.resolution ?? null, labels: [...issue.labels].sort(), dueDate: issue.dueDate, assignee: personJson(issue.assignee), reporter: personJson(issue.reporter),
    parent: issue.parent?.key ?? null, components: [...issue.components].sort(), fixVersions: [...issue.fixVersions].sort(),
  };
  for (const [name, { value }] of Object.entries(issue.customFields)) out[`customFields.${name}`] = toJson(value);
  return out;
}

export function replicaFields(replica: Replica): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {
    projectKey: replica.projectKey, summary: replica.summary, description: toJson(replica.description), type: replica.type?.name ?? null, priority: replica.priority?.name ?? null,
    status: replica.status?.name ?? null, resolution: replica.resolution?.name ?? null, labels: [...replica.labels].sort(), dueDate: replica.dueDate,
    assignee: personJson(replica.assignee), reporter: personJson(replica.reporter), parent: replica.parent?.key ?? null, components: [...replica.components].sort(), fixVersions: [...replica.fixVersions].sort(),
  };
  for (const [name, { value }] of Object.entries(replica.customFields)) out[`customFields.${name}`] = toJson(value);
  return out;
}

function personJson(u: UserRef | null): JsonValue {
  return u === null ? null : u.displayName ? `${u.displayName} (${u.accountId})` : u.accountId;
}

/** where two field maps differ, in the order of the first then the second's extra names */
export function fieldDiff(before: Record<string, JsonValue>, after: Record<string, JsonValue>, missing: JsonValue = null): FieldChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changes: FieldChange[] = [];
  for (const field of names) {
    const from = field in before ? (before[field] ?? null) : missing;
    const to = field in after ? (after[field] ?? null) : missing;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field, from, to });
  }
  return changes;
}

/** what the outgoing rules change on the way out: the issue's values against the replica's (comments and files left out) */
export function sentChanges(issue: RulesIssue, replica: Replica): FieldChange[] {
  return fieldDiff(issueFields(issue), replicaFields(replica));
}
