import type { z } from 'zod';
import type { StoreOp, StorePort } from '../../ports/store';
import { textSha256 } from '../canonical-json';
import { activityNewestFirst } from './activity-log';
import { keys, parseErrorId } from './keys';
import {
  ActivityEntrySchema, BlockedSchema, ConnectionSchema, ErrorRecordSchema, InboxEntrySchema, InboxPartSchema, LinkStateSchema, PreviousSchema, RemoteIndexSchema,
  type ActivityEntry, type Connection, type ErrorRecord, type InboxEntry, type LinkState,
} from './records';
import type { Replica } from '../../model/replica';
import { INLINE_LIMIT_BYTES, joinSplit, splitDeleteOps, splitWriteOps, type SplitMemory } from './split-value';

/** A link's last applied replica is kept in the link record while this small, else under its own key. */
export const PREVIOUS_INLINE_BYTES = 8 * 1024;

/** the link's last applied replica may be under its own key */
const previousApart = (link: LinkState): boolean => link.previous === undefined || link.previous === 'apart';

/** A link's snapshot of the local issue is kept only while it is this small; a bigger issue is read again. */
export const SNAPSHOT_LIMIT_BYTES = 32 * 1024;

const EMPTY_DOC = { type: 'doc' as const, version: 1 as const, content: [] };

/** what one store (one invocation's) learnt of split records' part counts, shared by its Repos */
const splitMemories = new WeakMap<StorePort, SplitMemory>();

/** Typed access to the engine's records; every read is parsed (a corrupt record is an error, never a cast). */
export class Repo {
  private readonly split: SplitMemory;

  constructor(readonly store: StorePort) {
    let memory = splitMemories.get(store);
    if (!memory) {
      memory = { maxParts: new Map() };
      splitMemories.set(store, memory);
    }
    this.split = memory;
  }

  async read<T extends z.ZodType>(key: string, schema: T): Promise<z.infer<T> | undefined> {
    const raw = await joinSplit(this.store, key, await this.store.get(key), this.split);
    if (raw === undefined || raw === null) return undefined;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new Error(`stored record ${key} is invalid: ${parsed.error.issues[0]?.message ?? 'schema mismatch'}`);
    return parsed.data;
  }

  async listParsed<T extends z.ZodType>(prefix: string, schema: T, limit?: number): Promise<z.infer<T>[]> {
    const out: z.infer<T>[] = [];
    let cursor: string | null = null;
    do {
      const page: { entries: { key: string; value: unknown }[]; cursor: string | null } = await this.store.list(prefix, cursor === null ? (limit !== undefined ? { limit } : {}) : { cursor, ...(limit !== undefined ? { limit } : {}) });
      for (const entry of page.entries) {
        const parsed = schema.safeParse(await joinSplit(this.store, entry.key, entry.value, this.split));
        if (!parsed.success) throw new Error(`stored record ${entry.key} is invalid`);
        out.push(parsed.data);
        if (limit !== undefined && out.length >= limit) return out;
      }
      cursor = page.cursor;
    } while (cursor !== null);
    return out;
  }

  getConnection(id: string): Promise<Connection | undefined> {
    return this.read(keys.connection(id), ConnectionSchema);
  }
  saveConnection(connection: Connection): Promise<void> {
    return this.store.set(keys.connection(connection.id), connection);
  }
  listConnections(): Promise<Connection[]> {
    return this.listParsed(keys.connectionPrefix, ConnectionSchema);
  }

  getLink(connectionId: string, localIssueId: string): Promise<LinkState | undefined> {
    return this.read(keys.link(connectionId, localIssueId), LinkStateSchema);
  }
  async getLinkByRemote(connectionId: string, remoteIssueId: string): Promise<LinkState | undefined> {
    const index = await this.read(keys.remoteIndex(connectionId, remoteIssueId), RemoteIndexSchema);
    return index ? this.getLink(connectionId, index.localIssueId) : undefined;
  }
  async localIdForRemote(connectionId: string, remoteIssueId: string): Promise<string | undefined> {
    return (await this.read(keys.remoteIndex(connectionId, remoteIssueId), RemoteIndexSchema))?.localIssueId;
  }
  /** writes the link record alone (its remote index is unchanged) */
  async saveLink(link: LinkState): Promise<void> {
    await this.write(this.linkRecordOps(link));
  }
  /** the link record (split when large; its snapshot dropped when over SNAPSHOT_LIMIT_BYTES) and its remote index */
  linkOps(link: LinkState): StoreOp[] {
    const ops = this.linkRecordOps(link);
    if (link.remoteIssueId !== null) ops.push({ op: 'set', key: keys.remoteIndex(link.connectionId, link.remoteIssueId), value: { localIssueId: link.localIssueId } });
    return ops;
  }
  /** the link record's own write (no remote index), to join other writes in one transaction */
  linkRecordOps(link: LinkState): StoreOp[] {
    const snapshot = link.snapshot !== null && Buffer.byteLength(JSON.stringify(link.snapshot), 'utf8') > SNAPSHOT_LIMIT_BYTES ? null : link.snapshot;
    return splitWriteOps(keys.link(link.connectionId, link.localIssueId), { ...link, snapshot }, this.split);
  }
  /** deletes a link, its last applied replica and its remote index */
  async unlinkOps(link: LinkState): Promise<StoreOp[]> {
    return [
      ...(await splitDeleteOps(this.store, keys.link(link.connectionId, link.localIssueId), this.split)),
      ...(previousApart(link) ? await splitDeleteOps(this.store, keys.previous(link.connectionId, link.localIssueId), this.split) : []),
      ...(link.remoteIssueId !== null ? [{ op: 'delete' as const, key: keys.remoteIndex(link.connectionId, link.remoteIssueId) }] : []),
      // a send still owed for the link goes with it
      { op: 'delete' as const, key: keys.outbox(link.connectionId, link.localIssueId) },
    ];
  }
  /** one storage operation when it can be, else a transaction */
  private async write(ops: StoreOp[]): Promise<void> {
    const only = ops.length === 1 ? ops[0] : undefined;
    if (only && only.op === 'set' && only.ttlSeconds === undefined) await this.store.set(only.key, only.value);
    else await this.store.transact(ops);
  }
  /** one page of a connection's links (at most `limit`), in key order, and where the next starts */
  async listLinksPage(connectionId: string, cursor: string | null, limit: number): Promise<{ links: LinkState[]; cursor: string | null }> {
    const page = await this.store.list(keys.linkPrefix(connectionId), cursor === null ? { limit } : { cursor, limit });
    const links: LinkState[] = [];
    for (const entry of page.entries) {
      const parsed = LinkStateSchema.safeParse(await joinSplit(this.store, entry.key, entry.value, this.split));
      if (!parsed.success) throw new Error(`stored record ${entry.key} is invalid`);
      links.push(parsed.data);
    }
    return { links, cursor: page.cursor };
  }
  listLinks(connectionId: string): Promise<LinkState[]> {
    return this.listParsed(keys.linkPrefix(connectionId), LinkStateSchema);
  }

  async getPrevious(connectionId: string, localIssueId: string, link?: LinkState): Promise<Replica | null> {
    return (await this.getPreviousRecord(connectionId, localIssueId, link))?.replica ?? null;
  }
  /** the last applied replica and whether its comments kept their bodies (`link`: the link as the caller holds it) */
  async getPreviousRecord(connectionId: string, localIssueId: string, link?: LinkState): Promise<{ replica: Replica; commentBodies: boolean } | null> {
    const held = link ?? await this.getLink(connectionId, localIssueId);
    const kept = held?.previous;
    if (kept !== undefined && kept !== 'apart') return kept === null ? null : { replica: kept.replica, commentBodies: kept.commentBodies ?? true };
    const record = await this.read(keys.previous(connectionId, localIssueId), PreviousSchema);
    return record ? { replica: record.replica, commentBodies: record.commentBodies ?? true } : null;
  }
  /**
   * Keeps `replica` as the link's last applied one: in the link record while small
   * (PREVIOUS_INLINE_BYTES), else under its own key, whole while it fits one value, else without
   * comment bodies (and split when still large). Sets `link.previous`; returns the other writes.
   */
  async keepPrevious(link: LinkState, replica: Replica): Promise<StoreOp[]> {
    const key = keys.previous(link.connectionId, link.localIssueId);
    const whole = { replica };
    const bytes = Buffer.byteLength(JSON.stringify(whole), 'utf8');
    if (bytes <= PREVIOUS_INLINE_BYTES) {
      const ops = previousApart(link) ? await splitDeleteOps(this.store, key, this.split) : [];
      link.previous = whole;
      return ops;
    }
    link.previous = 'apart';
    const value = bytes <= INLINE_LIMIT_BYTES ? whole : { replica: { ...replica, comments: replica.comments.map((c) => ({ ...c, body: EMPTY_DOC })) }, commentBodies: false };
    return splitWriteOps(key, value, this.split);
  }

  getInbox(connectionId: string, messageId: string): Promise<InboxEntry | undefined> {
    return this.read(keys.inbox(connectionId, messageId), InboxEntrySchema);
  }
  listInbox(): Promise<InboxEntry[]> {
    return this.listParsed(keys.inboxPrefix, InboxEntrySchema);
  }
  /** the entry's message text: as stored, or put back together from its parts (checked against their hash) */
  async inboxBody(entry: InboxEntry): Promise<string> {
    if (entry.body !== undefined) return entry.body;
    if (!entry.parts) throw new Error(`inbox entry ${entry.messageId} has neither a body nor parts`);
    let text = '';
    for (let i = 1; i <= entry.parts.count; i++) {
      const part = await this.read(keys.inboxPart(entry.connectionId, entry.messageId, i), InboxPartSchema);
      if (!part) throw new Error(`inbox entry ${entry.messageId}: part ${i} of ${entry.parts.count} is missing`);
      text += part.t;
    }
    if (textSha256(text) !== entry.parts.sha256) throw new Error(`inbox entry ${entry.messageId}: its parts do not match the message's hash`);
    return text;
  }
  /** deletes what a message that came in parts left (after its entry is consumed) */
  async deleteInboxParts(entry: InboxEntry): Promise<void> {
    if (!entry.parts) return;
    const ops = Array.from({ length: entry.parts.count }, (_, i): StoreOp => ({ op: 'delete', key: keys.inboxPart(entry.connectionId, entry.messageId, i + 1) }));
    for (let i = 0; i < ops.length; i += 25) await this.store.transact(ops.slice(i, i + 25));
  }

  /**
   * The error with this id, while its connection exists and is not closed: a deleted (or
   * deleting) or closed connection's error is no error any more, and a blocked marker pointing to
   * it blocks nothing.
   */
  async getError(id: string): Promise<ErrorRecord | undefined> {
    if (parseErrorId(id) === null) return undefined;
    const record = await this.read(keys.error(id), ErrorRecordSchema);
    if (!record) return undefined;
    const connection = await this.getConnection(record.connectionId);
    return connection && connection.status !== 'closed' ? record : undefined;
  }
  /** the errors of the connections that exist and are not closed (what is left of others is not shown) */
  async listErrors(): Promise<ErrorRecord[]> {
    const live = new Set((await this.listConnections()).filter((c) => c.status !== 'closed').map((c) => c.id));
    return (await this.listAllErrors()).filter((r) => live.has(r.connectionId));
  }
  /** every error record stored, whatever its connection (the sweeper's clean-up) */
  listAllErrors(): Promise<ErrorRecord[]> {
    return this.listParsed(keys.errorPrefix, ErrorRecordSchema);
  }
  async blockedBy(lock: string): Promise<string | undefined> {
    return (await this.read(keys.blocked(lock), BlockedSchema))?.errorId;
  }

  /** the newest `limit` activity entries of the site and of the connections that exist (closed ones too), newest first */
  async listActivity(limit: number): Promise<ActivityEntry[]> {
    const connections = await this.listConnections();
    const out: ActivityEntry[] = [];
    if (limit <= 0) return out;
    for await (const entry of activityNewestFirst(this.store, connections.map((c) => c.id), limit)) {
      const parsed = ActivityEntrySchema.safeParse(entry.value);
      if (!parsed.success) throw new Error(`stored record ${entry.key} is invalid`);
      out.push(parsed.data);
      if (out.length >= limit) break;
    }
    return out;
  }
}
