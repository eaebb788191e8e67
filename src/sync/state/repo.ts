import type { z } from 'zod';
import type { StoreOp, StorePort } from '../../ports/store';
import { keys } from './keys';
import {
  ActivityEntrySchema, BlockedSchema, ConnectionSchema, ErrorRecordSchema, InboxEntrySchema, LinkStateSchema, PreviousSchema, RemoteIndexSchema,
  type ActivityEntry, type Connection, type ErrorRecord, type InboxEntry, type LinkState,
} from './records';
import type { Replica } from '../replica';

/** Typed access to the engine's records; every read is parsed (a corrupt record is an error, never a cast). */
export class Repo {
  constructor(readonly store: StorePort) {}

  async read<T extends z.ZodType>(key: string, schema: T): Promise<z.infer<T> | undefined> {
    const raw = await this.store.get(key);
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
        const parsed = schema.safeParse(entry.value);
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
  saveLink(link: LinkState): Promise<void> {
    return this.store.set(keys.link(link.connectionId, link.localIssueId), link);
  }
  linkOps(link: LinkState): StoreOp[] {
    const ops: StoreOp[] = [{ op: 'set', key: keys.link(link.connectionId, link.localIssueId), value: link }];
    if (link.remoteIssueId !== null) ops.push({ op: 'set', key: keys.remoteIndex(link.connectionId, link.remoteIssueId), value: { localIssueId: link.localIssueId } });
    return ops;
  }
  listLinks(connectionId: string): Promise<LinkState[]> {
    return this.listParsed(keys.linkPrefix(connectionId), LinkStateSchema);
  }

  async getPrevious(connectionId: string, localIssueId: string): Promise<Replica | null> {
    return (await this.read(keys.previous(connectionId, localIssueId), PreviousSchema))?.replica ?? null;
  }

  getInbox(connectionId: string, messageId: string): Promise<InboxEntry | undefined> {
    return this.read(keys.inbox(connectionId, messageId), InboxEntrySchema);
  }
  listInbox(): Promise<InboxEntry[]> {
    return this.listParsed(keys.inboxPrefix, InboxEntrySchema);
  }

  getError(id: string): Promise<ErrorRecord | undefined> {
    return this.read(keys.error(id), ErrorRecordSchema);
  }
  listErrors(): Promise<ErrorRecord[]> {
    return this.listParsed(keys.errorPrefix, ErrorRecordSchema);
  }
  async blockedBy(lock: string): Promise<string | undefined> {
    return (await this.read(keys.blocked(lock), BlockedSchema))?.errorId;
  }

  listActivity(limit: number): Promise<ActivityEntry[]> {
    return this.listParsed(keys.activityPrefix, ActivityEntrySchema, limit);
  }
}
