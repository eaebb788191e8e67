/**
 * THE registry of storage keys: every key the app writes, in KVS or as a KVS secret, is built here
 * and nowhere else, and belongs to exactly one family of `KEY_FAMILIES` (src/sync/connection-delete.test.ts
 * runs a busy world and fails on any key written that no family, or more than one, claims).
 *
 * Forge KVS keys are ≤ 500 chars from `[a-zA-Z0-9:._\s-#]`; every variable part here is a uuid, a
 * Jira id (digits), a hash (hex) or a zero-padded number, checked by `safePart`. `:` separates the
 * parts and never occurs in one, so `<family>:<connection id>:` is a prefix holding that
 * connection's keys and no other connection's.
 *
 * Each family says whether it belongs to a connection and where all of one connection's keys are
 * (one key, or every key under a prefix that contains the connection id), which is what deleting a
 * connection walks (src/sync/state/connection-purge.ts); the families that are not per connection
 * (site-wide caches and notes) say so.
 *
 * Layouts changed by the registry (the app is not released: no data under the old layouts needs
 * to be read or migrated; what an old layout left is not found any more):
 * - error records: `error:<error id>` → `error:<connection>:<local id>`; an error's id is
 *   `<connection>.<local id>` (`errorId`), so the admin retries it by id alone;
 * - activity entries: `activity:<inverted time>:<id>` → `activity:<connection>:<inverted time>:<id>`
 *   for a connection's entries, `siteactivity:<inverted time>:<id>` for the site's own (no
 *   connection); listing merges them newest first (src/sync/state/activity-log.ts). Old entries
 *   expire by their TTL (14 days).
 * Everything else kept its layout; rules, the workflow cache, the site metadata, the user cache,
 * the configuration version, the first-hello marker and the parts of split records moved here from
 * where they were built. New: `purging:<connection>`, the mark of a deletion (or a close) whose
 * keys are not all removed yet, and the unlink marks `unlinked:<connection>:<local issue>` and
 * `unlinked-remote:<connection>:<remote issue>` (src/sync/unlink.ts).
 */
import { z } from 'zod';

const SAFE = /^[a-zA-Z0-9._-]{1,120}$/;

/**
 * An id that may become part of a storage key (a connection's, an error's…), as payloads must
 * carry it: anything else is refused where it comes in (invalid-payload), never half way through.
 */
export const StorageIdSchema = z.string().regex(SAFE, 'an id is 1 to 120 letters, digits, ".", "_" or "-"');

/** An id that cannot be part of a storage key reached the key registry: refused before anything is written under it. */
export class UnsafeKeyPartError extends Error {
  constructor(part: string) {
    super(`unsafe storage key part: ${JSON.stringify(part.slice(0, 40))}`);
    this.name = 'UnsafeKeyPartError';
  }
}

export function safePart(part: string): string {
  if (!SAFE.test(part)) throw new UnsafeKeyPartError(part);
  return part;
}

export function isSafePart(part: string): boolean {
  return SAFE.test(part);
}

const HEX = /^[0-9a-f]{8,64}$/;
function hexPart(part: string): string {
  if (!HEX.test(part)) throw new UnsafeKeyPartError(part);
  return part;
}

/** `<connection>:<issue>`-like locks: every part checked */
const lockParts = (lock: string): string => lock.split(':').map(safePart).join(':');

/** how far after the epoch's end a time is: newer entries sort first by key */
const inverted = (at: number): string => String(9_999_999_999_999 - at).padStart(13, '0');

/**
 * An error's id names its connection (`<connection>.<local id>`, split at the last "."), so that
 * its record is found by id alone, under its connection's prefix. The local part never has a dot;
 * it is shortened (hex, at least 16 characters) when the whole would pass 120 characters.
 */
export function errorId(connectionId: string, uuid: string): string {
  safePart(connectionId);
  let local = uuid.replace(/\./g, '');
  if (connectionId.length + 1 + local.length > 120) local = local.replace(/-/g, '').slice(0, Math.max(16, 119 - connectionId.length));
  return `${connectionId}.${safePart(local)}`;
}

/** the connection and local id of an error id, or null for an id that is none */
export function parseErrorId(id: string): { connectionId: string; local: string } | null {
  const dot = id.lastIndexOf('.');
  if (dot <= 0 || dot === id.length - 1) return null;
  const connectionId = id.slice(0, dot);
  const local = id.slice(dot + 1);
  return isSafePart(connectionId) && isSafePart(local) ? { connectionId, local } : null;
}

export const keys = {
  /** the connection record; configuration (src/adapters/forge/config-cache.ts caches it) */
  connection: (id: string) => `connection:${safePart(id)}`,
  connectionPrefix: 'connection:',
  invitation: (connectionId: string) => `invitation:${safePart(connectionId)}`,
  /** the inviter's one-time mark of the first hello (src/sync/connections.ts acceptHello) */
  hello: (connectionId: string) => `hello:${safePart(connectionId)}`,
  /** secrets (KVS getSecret/setSecret) */
  invitationTokenSecret: (connectionId: string) => `invite-token:${safePart(connectionId)}`,
  connectionSecret: (connectionId: string) => `conn-secret:${safePart(connectionId)}`,
  /** link state by local issue */
  link: (connectionId: string, localIssueId: string) => `link:${safePart(connectionId)}:${safePart(localIssueId)}`,
  linkPrefix: (connectionId: string) => `link:${safePart(connectionId)}:`,
  /** remote issue id → local issue id */
  remoteIndex: (connectionId: string, remoteIssueId: string) => `rlink:${safePart(connectionId)}:${safePart(remoteIssueId)}`,
  remoteIndexPrefix: (connectionId: string) => `rlink:${safePart(connectionId)}:`,
  /** last replica applied for a link (kept apart: it can be large) */
  previous: (connectionId: string, localIssueId: string) => `previous:${safePart(connectionId)}:${safePart(localIssueId)}`,
  /** marks a twin creation in flight, so a crash between create and link searches before creating again */
  creating: (connectionId: string, remoteIssueId: string) => `creating:${safePart(connectionId)}:${safePart(remoteIssueId)}`,
  /** set by the trigger when a person changed the issue: the link's snapshot is older than this */
  dirty: (connectionId: string, localIssueId: string) => `dirty:${safePart(connectionId)}:${safePart(localIssueId)}`,
  /** an issue unlinked on the connection (src/sync/unlink.ts): no twin is started for it again until a person syncs it */
  unlinked: (connectionId: string, localIssueId: string) => `unlinked:${safePart(connectionId)}:${safePart(localIssueId)}`,
  /** the remote issue's side of an unlink: which local issue it was linked to */
  unlinkedRemote: (connectionId: string, remoteIssueId: string) => `unlinked-remote:${safePart(connectionId)}:${safePart(remoteIssueId)}`,
  inbox: (connectionId: string, messageId: string) => `inbox:${safePart(connectionId)}:${safePart(messageId)}`,
  /** every inbox entry of every connection (the sweeper) */
  inboxPrefix: 'inbox:',
  /** part `index` of a message that comes in parts (by the whole message's id) */
  inboxPart: (connectionId: string, wholeMessageId: string, index: number) => `inpart:${safePart(connectionId)}:${safePart(wholeMessageId)}:${String(index).padStart(3, '0')}`,
  inboxPartPrefix: (connectionId: string, wholeMessageId: string) => `inpart:${safePart(connectionId)}:${safePart(wholeMessageId)}:`,
  /**
   * A send reserved and not yet known to have been posted (src/sync/outgoing.ts): written with the
   * seq reservation, deleted with the send's last write; the sweeper re-drives what a crash left.
   */
  outbox: (connectionId: string, localIssueId: string) => `outbox:${safePart(connectionId)}:${safePart(localIssueId)}`,
  /** every outbox entry of every connection (the sweeper) */
  outboxPrefix: 'outbox:',
  /** how far the sweeper's search for changes not sent has come, per connection (src/sync/anti-entropy.ts) */
  sweepMark: (connectionId: string) => `sweepmark:${safePart(connectionId)}`,
  seen: (connectionId: string, messageId: string) => `seen:${safePart(connectionId)}:${safePart(messageId)}`,
  /** the connection's bulk sync job */
  bulkJob: (connectionId: string) => `bulk:${safePart(connectionId)}`,
  /** every connection's bulk job (the sweeper) */
  bulkJobPrefix: 'bulk:',
  /** one page of a bulk job: the issue ids it queued and those not confirmed yet */
  bulkPage: (connectionId: string, jobId: string, page: number) => `bulkpage:${safePart(connectionId)}:${safePart(jobId)}:${String(page).padStart(6, '0')}`,
  /** an error record by its id (`errorId`: the id names the connection) */
  error: (id: string) => {
    const parsed = parseErrorId(id);
    if (!parsed) throw new UnsafeKeyPartError(id);
    return `error:${parsed.connectionId}:${parsed.local}`;
  },
  /** every error record of every connection */
  errorPrefix: 'error:',
  /**
   * Who is working on an issue right now (the queue's concurrency key, `<connection>:<issue>`): the
   * consumer and the inbox's inline apply exclude each other through it (src/sync/issue-lock.ts).
   */
  issueLock: (lock: string) => `lock:${lockParts(lock)}`,
  /** lock (connection + issue) → error id of the item blocking it */
  blocked: (lock: string) => `blocked:${lockParts(lock)}`,
  /** an activity entry: of a connection (`connectionId`) or of the site itself (null); newest first by key */
  activity: (connectionId: string | null, at: number, id: string) =>
    connectionId === null ? `siteactivity:${inverted(at)}:${safePart(id)}` : `activity:${safePart(connectionId)}:${inverted(at)}:${safePart(id)}`,
  /** a connection's activity entries, newest first */
  activityPrefix: (connectionId: string) => `activity:${safePart(connectionId)}:`,
  /** the site's own activity entries (no connection), newest first */
  siteActivityPrefix: 'siteactivity:',
  /** saved rules (src/rules/kv-rules-store.ts): a copy of the latest version, one read per sync */
  rulesCurrent: (connectionId: string) => `rules:${safePart(connectionId)}:current`,
  /** one saved version of the rules */
  rulesVersion: (connectionId: string, version: number) => `rules:${safePart(connectionId)}:v:${String(version).padStart(8, '0')}`,
  rulesVersionPrefix: (connectionId: string) => `rules:${safePart(connectionId)}:v:`,
  /** a connection being deleted (or closed by the remote) whose keys are not all gone yet (src/sync/state/connection-purge.ts) */
  purging: (connectionId: string) => `purging:${safePart(connectionId)}`,
  purgingPrefix: 'purging:',
  /** site-wide: a workflow graph learnt per project and issue type (src/sync/status-mover.ts), by the hash of both */
  workflowGraph: (graphHash: string) => `workflow:${hexPart(graphHash)}`,
  /** site-wide: the site's metadata (fields, types, priorities, statuses, server info) (src/adapters/forge/forge-jira.ts) */
  siteMeta: 'meta:v2',
  /** site-wide: a person looked up by email, by the hash of the email (src/adapters/forge/forge-jira.ts) */
  userByEmail: (emailHash: string) => `user-email:${hexPart(emailHash)}`,
  /** site-wide: a person looked up by account id, by the hash of the id (src/adapters/forge/forge-jira.ts) */
  userById: (accountIdHash: string) => `user-id:${hexPart(accountIdHash)}`,
  /** site-wide: the twin group a local issue belongs to (src/sync/groups.ts), by the issue's id */
  groupMember: (localIssueId: string) => `member:${safePart(localIssueId)}`,
  /** site-wide: a twin group's member here (or the claim of the connection creating it), by the hash of the group */
  groupIndex: (groupHash: string) => `group:${hexPart(groupHash)}`,
  /** site-wide: the configuration version (src/adapters/forge/config-cache.ts) */
  configVersion: 'config:version',
};

/** where the parts of a record written in parts are (src/sync/state/split-value.ts) */
export const SPLIT_PREFIX = 'split:';
export const splitPartKey = (key: string, index: number): string => `${SPLIT_PREFIX}${key}:${String(index)}`;

export type KeyLocation = { key: string } | { prefix: string };

export interface KeyFamily {
  readonly name: string;
  /** a KVS value, or a KVS secret (deleteSecret) */
  readonly storage: 'value' | 'secret';
  /** 'connection': every key names one connection (group 1 of `pattern`); 'site': no connection owns it */
  readonly owner: 'connection' | 'site';
  /** every key of the family, and no other family's */
  readonly pattern: RegExp;
  /** per connection: where all of one connection's keys of the family are */
  readonly of?: (connectionId: string) => KeyLocation;
  /** its records may be written in parts (`split:<key>:<n>`, found under `split:` + its prefix) */
  readonly split?: boolean;
  /** still there once the remote closed the connection: the closed connection shows it */
  readonly keptWhenClosed?: boolean;
  readonly about: string;
}

const P = '[a-zA-Z0-9._-]{1,120}';
const C = `(${P})`;

/**
 * Every family, per-connection ones in the order a delete removes them: first what shows or acts
 * (blocked markers, errors), then the secrets and the invitation, then the work in flight, then the
 * links, then the rules and the activity, the connection record last (a delete removes it at once,
 * with the mark of the deletion; it is here for completeness). The deletion mark itself goes when
 * everything else has (src/sync/state/connection-purge.ts).
 */
export const KEY_FAMILIES: readonly KeyFamily[] = [
  { name: 'blocked', storage: 'value', owner: 'connection', pattern: new RegExp(`^blocked:${C}(?::${P})+$`), of: (c) => ({ prefix: `blocked:${safePart(c)}:` }), about: 'an issue blocked by an error: lock → error id' },
  { name: 'error', storage: 'value', owner: 'connection', pattern: new RegExp(`^error:${C}:${P}$`), of: (c) => ({ prefix: `error:${safePart(c)}:` }), about: 'an error record' },
  { name: 'connection-secret', storage: 'secret', owner: 'connection', pattern: new RegExp(`^conn-secret:${C}$`), of: (c) => ({ key: keys.connectionSecret(c) }), about: 'the connection\'s signing secret' },
  { name: 'invitation-token', storage: 'secret', owner: 'connection', pattern: new RegExp(`^invite-token:${C}$`), of: (c) => ({ key: keys.invitationTokenSecret(c) }), about: 'a pending invitation\'s one-time token' },
  { name: 'invitation', storage: 'value', owner: 'connection', pattern: new RegExp(`^invitation:${C}$`), of: (c) => ({ key: keys.invitation(c) }), about: 'a pending invitation' },
  { name: 'hello', storage: 'value', owner: 'connection', pattern: new RegExp(`^hello:${C}$`), of: (c) => ({ key: keys.hello(c) }), about: 'the first hello\'s one-time mark' },
  { name: 'inbox', storage: 'value', owner: 'connection', pattern: new RegExp(`^inbox:${C}:${P}$`), of: (c) => ({ prefix: `inbox:${safePart(c)}:` }), about: 'a message stored for the queue' },
  { name: 'inbox-part', storage: 'value', owner: 'connection', pattern: new RegExp(`^inpart:${C}:${P}:\\d{3}$`), of: (c) => ({ prefix: `inpart:${safePart(c)}:` }), about: 'a part of a message that came in parts' },
  { name: 'outbox', storage: 'value', owner: 'connection', pattern: new RegExp(`^outbox:${C}:${P}$`), of: (c) => ({ prefix: `outbox:${safePart(c)}:` }), about: 'a send reserved and not known to be posted' },
  { name: 'issue-lock', storage: 'value', owner: 'connection', pattern: new RegExp(`^lock:${C}(?::${P})+$`), of: (c) => ({ prefix: `lock:${safePart(c)}:` }), about: 'who works on an issue now' },
  { name: 'creating', storage: 'value', owner: 'connection', pattern: new RegExp(`^creating:${C}:${P}$`), of: (c) => ({ prefix: `creating:${safePart(c)}:` }), about: 'a twin creation in flight' },
  { name: 'dirty', storage: 'value', owner: 'connection', pattern: new RegExp(`^dirty:${C}:${P}$`), of: (c) => ({ prefix: `dirty:${safePart(c)}:` }), about: 'an issue a person changed' },
  { name: 'seen', storage: 'value', owner: 'connection', pattern: new RegExp(`^seen:${C}:${P}$`), of: (c) => ({ prefix: `seen:${safePart(c)}:` }), about: 'a message received (de-duplication)' },
  { name: 'sweep-mark', storage: 'value', owner: 'connection', pattern: new RegExp(`^sweepmark:${C}$`), of: (c) => ({ key: keys.sweepMark(c) }), about: 'how far the search for changes not sent has come' },
  { name: 'bulk-job', storage: 'value', owner: 'connection', pattern: new RegExp(`^bulk:${C}$`), of: (c) => ({ key: keys.bulkJob(c) }), about: 'the bulk sync job' },
  { name: 'bulk-page', storage: 'value', owner: 'connection', pattern: new RegExp(`^bulkpage:${C}:${P}:\\d{6}$`), of: (c) => ({ prefix: `bulkpage:${safePart(c)}:` }), about: 'one page of a bulk job' },
  { name: 'link', storage: 'value', owner: 'connection', pattern: new RegExp(`^link:${C}:${P}$`), of: (c) => ({ prefix: keys.linkPrefix(c) }), split: true, about: 'a link (local issue → twin)' },
  { name: 'remote-index', storage: 'value', owner: 'connection', pattern: new RegExp(`^rlink:${C}:${P}$`), of: (c) => ({ prefix: keys.remoteIndexPrefix(c) }), about: 'remote issue → local issue' },
  { name: 'previous', storage: 'value', owner: 'connection', pattern: new RegExp(`^previous:${C}:${P}$`), of: (c) => ({ prefix: `previous:${safePart(c)}:` }), split: true, about: 'the last replica applied, kept apart' },
  { name: 'unlinked', storage: 'value', owner: 'connection', pattern: new RegExp(`^unlinked:${C}:${P}$`), of: (c) => ({ prefix: `unlinked:${safePart(c)}:` }), about: 'the mark of an unlink, by the local issue' },
  { name: 'unlinked-remote', storage: 'value', owner: 'connection', pattern: new RegExp(`^unlinked-remote:${C}:${P}$`), of: (c) => ({ prefix: `unlinked-remote:${safePart(c)}:` }), about: 'the mark of an unlink, by the remote issue' },
  { name: 'rules', storage: 'value', owner: 'connection', pattern: new RegExp(`^rules:${C}:(?:current|v:\\d{8})$`), of: (c) => ({ prefix: `rules:${safePart(c)}:` }), keptWhenClosed: true, about: 'saved rules: the current copy and the versions' },
  { name: 'activity', storage: 'value', owner: 'connection', pattern: new RegExp(`^activity:${C}:\\d{13}:${P}$`), of: (c) => ({ prefix: keys.activityPrefix(c) }), keptWhenClosed: true, about: 'an activity entry of the connection' },
  { name: 'connection', storage: 'value', owner: 'connection', pattern: new RegExp(`^connection:${C}$`), of: (c) => ({ key: keys.connection(c) }), keptWhenClosed: true, about: 'the connection record' },
  { name: 'purging', storage: 'value', owner: 'connection', pattern: new RegExp(`^purging:${C}$`), keptWhenClosed: true, about: 'the mark of a deletion (or a close) not finished: removed last, by the purge itself' },
  { name: 'site-activity', storage: 'value', owner: 'site', pattern: new RegExp(`^siteactivity:\\d{13}:${P}$`), about: 'site-wide: an activity entry of no connection (the sweeper, a deletion)' },
  { name: 'workflow-graph', storage: 'value', owner: 'site', pattern: /^workflow:[0-9a-f]{8,64}$/, about: 'site-wide cache: a workflow graph per project and issue type' },
  { name: 'site-meta', storage: 'value', owner: 'site', pattern: /^meta:v2$/, about: 'site-wide cache: the site\'s metadata' },
  { name: 'user-by-email', storage: 'value', owner: 'site', pattern: /^user-email:[0-9a-f]{8,64}$/, about: 'site-wide cache: a person found by email' },
  { name: 'user-by-id', storage: 'value', owner: 'site', pattern: /^user-id:[0-9a-f]{8,64}$/, about: 'site-wide cache: a person found by account id' },
  { name: 'group-member', storage: 'value', owner: 'site', pattern: new RegExp(`^member:${P}$`), about: 'site-wide: the twin group of a local issue (three or more sites)' },
  { name: 'group-index', storage: 'value', owner: 'site', pattern: /^group:[0-9a-f]{8,64}$/, about: 'site-wide: a twin group\'s member here, or the claim of its creation' },
  { name: 'config-version', storage: 'value', owner: 'site', pattern: /^config:version$/, about: 'site-wide: the configuration version' },
];

export interface KeyClass {
  family: KeyFamily;
  /** the connection owning the key, null for a site-wide one */
  connectionId: string | null;
  /** a part of a record written in parts */
  part: boolean;
}

/** every family a stored key belongs to (exactly one for every key the app writes) */
export function classifyKey(key: string, storage: 'value' | 'secret' = 'value'): KeyClass[] {
  if (storage === 'value' && key.startsWith(SPLIT_PREFIX)) {
    const whole = key.slice(SPLIT_PREFIX.length).replace(/:\d+$/, '');
    if (whole === key.slice(SPLIT_PREFIX.length)) return [];
    return classifyKey(whole).filter((c) => c.family.split === true).map((c) => ({ ...c, part: true }));
  }
  const out: KeyClass[] = [];
  for (const family of KEY_FAMILIES) {
    if (family.storage !== storage) continue;
    const match = family.pattern.exec(key);
    if (match) out.push({ family, connectionId: family.owner === 'connection' ? match[1] ?? null : null, part: false });
  }
  return out;
}

export interface ConnectionKeyLocation {
  family: KeyFamily;
  storage: 'value' | 'secret';
  location: KeyLocation;
}

/**
 * Where every key of one connection is, in the order a delete removes them (split parts right
 * after their family); `closing`: only what a connection the remote closed no longer keeps. The
 * deletion mark is not in it (the purge removes it last).
 */
export function connectionKeyLocations(connectionId: string, closing = false): ConnectionKeyLocation[] {
  const out: ConnectionKeyLocation[] = [];
  for (const family of KEY_FAMILIES) {
    if (family.owner !== 'connection' || !family.of || (closing && family.keptWhenClosed === true)) continue;
    const location = family.of(connectionId);
    out.push({ family, storage: family.storage, location });
    if (family.split === true) {
      if ('prefix' in location) out.push({ family, storage: 'value', location: { prefix: `${SPLIT_PREFIX}${location.prefix}` } });
      else out.push({ family, storage: 'value', location: { prefix: `${SPLIT_PREFIX}${location.key}:` } });
    }
  }
  return out;
}
