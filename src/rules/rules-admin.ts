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
import { RulesVersionConflictError, type RulesLimits, type RulesStore, type RulesVersionInfo } from '../ports/rules-store';
import type { JsonValue, Replica } from '../model/replica';
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
  getMetadata(): Promise<RulesMetadata>;
  /** ISO timestamp */
  now(): string;
  /** account id of the admin making the call */
  actorAccountId: string | null;
}

/** A failure to show as is (nothing changed); `code` tells the UI what happened. */
export class RulesAdminError extends Error {
  constructor(
    readonly code: 'not-found' | 'conflict',
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
});

export interface RulesView {
  connectionId: string;
  /** 0 = nothing saved: the default scripts */
  version: number;
  isDefault: boolean;
  outgoing: string;
  incoming: string;
  limits: RulesLimits | null;
  savedAt: string | null;
  savedBy: string | null;
  /** the kept versions, newest first */
  versions: RulesVersionInfo[];
}

export async function getRules(deps: RulesAdminDeps, payload: z.infer<typeof GetRulesPayloadSchema>): Promise<RulesView> {
  const found = await requireConnection(deps, payload.connectionId);
  const versions = await deps.rulesStore.listVersions(payload.connectionId);
  const stored = payload.version === undefined ? await deps.rulesStore.getCurrent(payload.connectionId) : await deps.rulesStore.getVersion(payload.connectionId, payload.version);
  if (stored === null && payload.version !== undefined) {
    throw new RulesAdminError('not-found', `version ${payload.version} of these rules is not kept (kept: ${versions.map((v) => v.version).join(', ') || 'none'})`);
  }
  if (stored === null) {
    return { connectionId: payload.connectionId, version: 0, isDefault: true, ...defaultScripts(found.defaults), limits: null, savedAt: null, savedBy: null, versions };
  }
  return {
    connectionId: payload.connectionId,
    version: stored.version,
    isDefault: false,
    outgoing: stored.outgoing,
    incoming: stored.incoming,
    limits: stored.limits,
    savedAt: stored.savedAt,
    savedBy: stored.savedBy,
    versions,
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
  const { connection } = await requireConnection(deps, payload.connectionId);
  const current = await deps.rulesStore.getCurrent(payload.connectionId);
  const currentVersion = current?.version ?? 0;
  const limits = payload.limits === undefined ? (current?.limits ?? null) : payload.limits;
  const validation = await validateRules(
    { outgoing: payload.outgoing, incoming: payload.incoming },
    { metadata: await deps.getMetadata(), connection, ...(limits ? { limits } : {}) },
  );
  if (!validation.ok) return { ok: false, version: currentVersion, errors: validation.errors };
  try {
    const saved = await deps.rulesStore.save(
      payload.connectionId,
      { outgoing: payload.outgoing, incoming: payload.incoming, limits, savedBy: deps.actorAccountId, savedAt: deps.now() },
      payload.baseVersion ?? currentVersion,
    );
    return { ok: true, version: saved.version, errors: [] };
  } catch (e) {
    if (e instanceof RulesVersionConflictError) {
      throw new RulesAdminError('conflict', `someone saved version ${e.currentVersion} of these rules after you opened version ${e.expectedVersion}: reload, reapply your change and save again`);
    }
    throw e;
  }
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
  outgoing: { replica: Replica | null; logs: RulesLog[]; error: RulesValidationError | null };
  incoming: {
    /** which replica was applied: the last one received for this issue, or this issue's own outgoing replica */
    source: 'last-received' | 'own-replica' | null;
    changes: FieldChange[];
    syncBack: boolean;
    unlink: boolean;
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
  const stored = await deps.rulesStore.getCurrent(payload.connectionId);
  const base = stored ?? { ...defaultScripts(defaults), limits: null, version: 0 };
  const draft = payload.outgoing !== undefined || payload.incoming !== undefined;
  const scripts = { outgoing: payload.outgoing ?? base.outgoing, incoming: payload.incoming ?? base.incoming };
  const engine = createScriptRulesEngine(base.limits === null ? scripts : { ...scripts, limits: base.limits });
  const metadata = await deps.getMetadata();

  const result: DryRunResult = {
    issueKey: issue.key,
    rulesVersion: draft ? null : base.version,
    outgoing: { replica: null, logs: [], error: null },
    incoming: { source: null, changes: [], syncBack: false, unlink: false, logs: [], error: null },
  };
  try {
    const out = await engine.outgoing({ issue: structuredClone(issue), connection });
    result.outgoing = { replica: out.replica, logs: out.logs, error: null };
  } catch (e) {
    result.outgoing = { replica: null, logs: logsOf(e), error: asValidationError(e) };
  }

  const previous = await deps.lastReceived(payload.connectionId, issue.id);
  const replica = previous ?? result.outgoing.replica;
  if (replica === null) {
    result.incoming.error = { script: 'incoming', line: null, column: null, message: 'nothing to apply: no replica was received for this issue and the outgoing script failed' };
    return result;
  }
  result.incoming.source = previous !== null ? 'last-received' : 'own-replica';
  try {
    const applied = await engine.incoming({ replica, issue: structuredClone(issue), previous, firstSync: false, syncBackMessage: false, connection, metadata });
    result.incoming = { ...result.incoming, changes: changesBetween(issue, applied.desired), syncBack: applied.syncBack, unlink: applied.unlink, logs: applied.logs };
  } catch (e) {
    result.incoming = { ...result.incoming, logs: logsOf(e), error: asValidationError(e) };
  }
  return result;
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

const FIELDS = ['projectKey', 'summary', 'description', 'typeName', 'priority', 'labels', 'status', 'dueDate', 'assignee', 'reporter'] as const;

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
