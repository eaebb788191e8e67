import { z } from 'zod';
import { MAPPING_TABLES, MappingsSchema, type Mappings } from '../model/mappings';
import { StorageIdSchema } from '../sync/state/keys';
import {
  RulesAdminError,
  effectiveRules,
  engineOf,
  fieldDiff,
  issueFields,
  replicaFields,
  runRules,
  type FieldChange,
  type RulesAdminDeps,
} from './rules-admin';
import type { RulesValidationError } from './validate';

/**
 * What a change of the rules would do before it is saved: the draft (scripts, mappings, or both)
 * and the rules in force are run side by side against the issues the connection syncs, a page at a
 * time, writing nothing. Per issue: what the other site would receive differently, what would
 * change here, and whether the draft fails on it. And the history: what a version changed.
 */

const ScriptSchema = z.string().max(1_000_000);
const MAX_VERSION = 99_999_999;
/** issues per page at most (each costs one Jira read and four script runs) */
export const MAX_PREVIEW_PAGE = 50;
/**
 * A page stops early when this much time has passed, so that the call answers inside the resolver's
 * 25 seconds ("Forge resolvers ... 25 seconds", https://developer.atlassian.com/platform/forge/platform-quotas-and-limits/#invocation-limits);
 * the rest comes with the next cursor.
 */
export const PREVIEW_BUDGET_MS = 15_000;

export const PreviewRulesPayloadSchema = z.strictObject({
  connectionId: StorageIdSchema,
  /** the draft's scripts and tables; what is absent is the version in force */
  outgoing: ScriptSchema.exactOptional(),
  incoming: ScriptSchema.exactOptional(),
  mappings: MappingsSchema.exactOptional(),
  limit: z.number().int().min(1).max(MAX_PREVIEW_PAGE).default(20),
  /** where the last page ended */
  cursor: z.string().min(1).max(2000).exactOptional(),
});

export interface PreviewIssue {
  issueKey: string;
  remoteIssueKey: string | null;
  /** what the other site would receive differently: the replica under the rules in force → under the draft */
  remote: FieldChange[];
  /** what would change here: the issue as it is → as the draft would leave it, where the rules in force would leave it otherwise */
  local: FieldChange[];
  /** the draft fails on this issue (the rules in force do not, or fail otherwise) */
  error: RulesValidationError | null;
}

export interface PreviewResult {
  /** the issues whose sync the draft changes, or fails on */
  issues: PreviewIssue[];
  /** issues run through both versions on this page */
  checked: number;
  /** where to go on; null: every synced issue was checked */
  cursor: string | null;
  /** the page stopped early to answer in time */
  stoppedEarly: boolean;
}

export async function previewRulesChange(deps: RulesAdminDeps, payload: z.infer<typeof PreviewRulesPayloadSchema>): Promise<PreviewResult> {
  const found = await deps.getConnection(payload.connectionId);
  if (found === null) throw new RulesAdminError('not-found', `connection ${payload.connectionId} does not exist`);
  const start = deps.clockMs();
  const current = effectiveRules(await deps.rulesStore.getCurrent(payload.connectionId), found.defaults);
  const scriptsDraft = payload.outgoing !== undefined || payload.incoming !== undefined;
  const draft = { ...current, outgoing: payload.outgoing ?? current.outgoing, incoming: payload.incoming ?? current.incoming, mappings: payload.mappings ?? current.mappings, isDefault: current.isDefault && !scriptsDraft };
  const before = engineOf(current);
  const after = engineOf(draft);
  const startCursor = pageCursorOf(payload.cursor);
  const skip = skipOf(payload.cursor);
  const page = await deps.listSynced(payload.connectionId, startCursor, payload.limit);
  const issues: PreviewIssue[] = [];
  let checked = 0;
  let stoppedEarly = false;
  let cursor: string | null = page.cursor === null ? null : encodeCursor(page.cursor, 0);
  for (const [index, synced] of page.issues.entries()) {
    if (index < skip) continue;
    if (checked > 0 && deps.clockMs() - start > PREVIEW_BUDGET_MS) {
      // the page's issues not checked yet come with the next call: the same page, so many skipped
      stoppedEarly = true;
      cursor = encodeCursor(startCursor, index);
      break;
    }
    checked++;
    const issue = await deps.readIssue(payload.connectionId, synced.localKey);
    if (issue === null) continue;
    const previous = await deps.lastReceived(payload.connectionId, issue.id);
    const was = await runRules(before, issue, previous, found.connection, (replica) => deps.metadataFor(payload.connectionId, replica, current.mappings));
    const will = await runRules(after, issue, previous, found.connection, (replica) => deps.metadataFor(payload.connectionId, replica, draft.mappings));
    const error = will.outgoingError ?? will.incoming.error;
    const remote = was.replica !== null && will.replica !== null ? fieldDiff(replicaFields(was.replica), replicaFields(will.replica)) : [];
    const local = was.desired !== null && will.desired !== null ? localChanges(issueFields(issue), issueFields(was.desired), issueFields(will.desired)) : [];
    const sameError = error !== null && JSON.stringify(error) === JSON.stringify(was.outgoingError ?? was.incoming.error);
    if (remote.length > 0 || local.length > 0 || (error !== null && !sameError)) {
      issues.push({ issueKey: issue.key, remoteIssueKey: synced.remoteKey, remote, local, error: sameError ? null : error });
    }
  }
  return { issues, checked, cursor, stoppedEarly };
}

/** the fields the draft leaves otherwise than the rules in force, from the issue's value now to the draft's */
function localChanges(now: Record<string, unknown>, was: Record<string, unknown>, will: Record<string, unknown>): FieldChange[] {
  return fieldDiff(was as never, will as never).map((c) => ({ field: c.field, from: (now[c.field] ?? null) as FieldChange['from'], to: c.to }));
}

/** a cursor: the store's page cursor and how many of that page's issues were checked already */
function encodeCursor(pageCursor: string | null, skip: number): string {
  return Buffer.from(JSON.stringify({ c: pageCursor, s: skip }), 'utf8').toString('base64url');
}
const CursorSchema = z.strictObject({ c: z.string().nullable(), s: z.number().int().min(0).max(MAX_PREVIEW_PAGE) });
function decodeCursor(cursor: string | undefined): z.infer<typeof CursorSchema> | null {
  if (cursor === undefined) return null;
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new RulesAdminError('not-found', 'this preview cursor is not one the preview gave: start the preview again');
  }
}
function skipOf(cursor: string | undefined): number {
  return decodeCursor(cursor)?.s ?? 0;
}

/** The deps' page cursor inside a preview cursor. */
export function pageCursorOf(cursor: string | undefined): string | null {
  return decodeCursor(cursor)?.c ?? null;
}

export const DiffRulesPayloadSchema = z.strictObject({
  connectionId: StorageIdSchema,
  /** the version to show (0: the defaults) */
  version: z.number().int().min(0).max(MAX_VERSION),
  /** compared with this one; absent: the kept version before it (or the defaults) */
  against: z.number().int().min(0).max(MAX_VERSION).exactOptional(),
});

export interface LineChange {
  /** ' ' kept, '-' removed, '+' added */
  op: ' ' | '-' | '+';
  text: string;
}

export interface RowChange {
  table: string;
  /** the field, for option rows */
  field: string | null;
  op: '-' | '+';
  local: string | null;
  remote: string | null;
  direction: string;
}

export interface RulesDiff {
  version: number;
  against: number;
  outgoing: LineChange[];
  incoming: LineChange[];
  mappings: RowChange[];
}

/** What a version changed against another: the scripts line by line (with 3 lines of context), the mapping rows added and removed. */
export async function diffRules(deps: RulesAdminDeps, payload: z.infer<typeof DiffRulesPayloadSchema>): Promise<RulesDiff> {
  const found = await deps.getConnection(payload.connectionId);
  if (found === null) throw new RulesAdminError('not-found', `connection ${payload.connectionId} does not exist`);
  const versions = await deps.rulesStore.listVersions(payload.connectionId);
  const load = async (v: number) => {
    if (v === 0) return effectiveRules(null, found.defaults);
    const stored = await deps.rulesStore.getVersion(payload.connectionId, v);
    if (stored === null) throw new RulesAdminError('not-found', `version ${v} of these rules is not kept (kept: ${versions.map((x) => x.version).join(', ') || 'none'})`);
    return effectiveRules(stored, found.defaults);
  };
  const against = payload.against ?? versions.find((v) => v.version < payload.version)?.version ?? 0;
  const [a, b] = [await load(against), await load(payload.version)];
  return { version: payload.version, against, outgoing: lineDiff(a.outgoing, b.outgoing), incoming: lineDiff(a.incoming, b.incoming), mappings: rowDiff(a.mappings, b.mappings) };
}

/** A line diff (longest common subsequence; scripts are at most 100,000 characters), the unchanged lines cut to 3 around each change. */
export function lineDiff(before: string, after: string): LineChange[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // common head and tail first: most edits touch a few lines
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const ops: LineChange[] = a.slice(0, head).map((text) => ({ op: ' ', text }));
  if (midA.length * midB.length <= 4_000_000) {
    const n = midA.length;
    const m = midB.length;
    const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = midA[i] === midB[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) { ops.push({ op: ' ', text: midA[i]! }); i++; j++; }
      else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) { ops.push({ op: '-', text: midA[i]! }); i++; }
      else { ops.push({ op: '+', text: midB[j]! }); j++; }
    }
  } else {
    for (const text of midA) ops.push({ op: '-', text });
    for (const text of midB) ops.push({ op: '+', text });
  }
  for (const text of a.slice(a.length - tail)) ops.push({ op: ' ', text });
  // context: 3 kept lines each side of a change
  const near = new Set<number>();
  ops.forEach((o, k) => { if (o.op !== ' ') for (let d = -3; d <= 3; d++) near.add(k + d); });
  return ops.filter((o, k) => o.op !== ' ' || near.has(k));
}

function rowDiff(before: Mappings, after: Mappings): RowChange[] {
  const changes: RowChange[] = [];
  const key = (r: { local: string | null; remote: string | null; direction: string }) => `${r.local ?? ''}\u0000${r.remote ?? ''}\u0000${r.direction}`;
  const compare = (table: string, field: string | null, a: readonly { local: string | null; remote: string | null; direction: string }[], b: readonly { local: string | null; remote: string | null; direction: string }[]) => {
    const inA = new Set(a.map(key));
    const inB = new Set(b.map(key));
    for (const r of a) if (!inB.has(key(r))) changes.push({ table, field, op: '-', local: r.local, remote: r.remote, direction: r.direction });
    for (const r of b) if (!inA.has(key(r))) changes.push({ table, field, op: '+', local: r.local, remote: r.remote, direction: r.direction });
  };
  for (const table of MAPPING_TABLES) {
    if (table === 'options') continue;
    compare(table, null, before[table], after[table]);
  }
  for (const field of [...new Set([...Object.keys(before.options), ...Object.keys(after.options)])]) compare('options', field, before.options[field] ?? [], after.options[field] ?? []);
  return changes;
}
