import { z } from 'zod';
import type { EngineDeps } from './deps';
import { logActivity } from './activity';
import type { GoodbyeMessage } from './envelope/goodbye-message';
import type { HelloMessage } from './envelope/hello-message';
import { PermanentError, TransientError, UserError } from './errors';
import { decodeInvitation, encodeInvitation } from './invitation-code';
import type { InboxResponse } from './inbox';
import { fromSite, postSigned, sendToConnection } from './send';
import { deriveConnectionSecret } from './signing';
import { keys, StorageIdSchema } from './state/keys';
import {
  ConflictPolicySchema, DEFAULT_RULES_CONFIG, DefaultRulesConfigSchema, DirectionSchema, InvitationSchema,
  type Connection,
} from './state/records';
import { continuePurge, purgeMarkOp, readPurgeMark, type PurgeMark } from './state/connection-purge';
import { Repo } from './state/repo';
import { WORKER_LEASE_MS } from './issue-lock';

export interface ConnectionSummary {
  id: string;
  name: string;
  remoteSiteName: string | null;
  /** the other site's base URL (for links to its issues), null until it is known */
  remoteSiteUrl: string | null;
  status: Connection['status'];
  role: Connection['role'];
  direction: Connection['direction'];
  scopeJql: string | null;
  conflictPolicy: Connection['conflictPolicy'];
  rulesConfig: Connection['rulesConfig'];
  lastMessageAt: string | null;
  createdAt: string;
  /** when the remote site ended the connection (status 'closed'), else null */
  closedAt: string | null;
}

export function summarize(c: Connection): ConnectionSummary {
  return {
    id: c.id, name: c.name, remoteSiteName: c.remoteSiteName, remoteSiteUrl: c.remoteSiteUrl, status: c.status, role: c.role, direction: c.direction,
    scopeJql: c.scopeJql, conflictPolicy: c.conflictPolicy, rulesConfig: c.rulesConfig, lastMessageAt: c.lastMessageAt, createdAt: c.createdAt,
    closedAt: c.closedAt ?? null,
  };
}

function blankConnection(deps: EngineDeps, id: string, name: string, role: Connection['role']): Connection {
  return {
    id, name, status: 'pending', role, remoteSiteName: null, remoteCloudId: null, remoteInboxUrl: null, remoteSiteUrl: null,
    direction: 'both', scopeJql: null, conflictPolicy: 'later-wins', rulesConfig: { ...DEFAULT_RULES_CONFIG },
    createdAt: new Date(deps.clock.now()).toISOString(), lastMessageAt: null,
  };
}

/**
 * A connection's scope as given (by updateConnection, or with an invitation): trimmed, a filter
 * (no ORDER BY) that is valid JQL on this site; empty or null = none (only issues already linked
 * are synced, nothing new is sent). Throws `invalid-jql` with the site's message otherwise.
 */
export async function checkedScopeJql(deps: EngineDeps, scopeJql: string | null): Promise<string | null> {
  const jql = scopeJql === null ? '' : scopeJql.trim();
  if (jql === '') return null;
  // the scope is a filter the engine combines with its own conditions (`id = 10001 AND (scope)`)
  if (/\border\s+by\b/i.test(jql.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""'))) {
    throw new UserError('invalid-jql', 'The scope JQL must be a filter: leave out ORDER BY (Twin Sync combines the scope with conditions of its own, and an order is meaningless there).');
  }
  const problem = await deps.jira.validateJql(jql);
  if (problem !== null) throw new UserError('invalid-jql', `The scope JQL is not valid on this site: ${problem}`);
  return jql;
}

/**
 * Site A: a pending connection and a one-time code for site B's admin. `scopeJql`: what this site
 * sends on the connection (checked as updateConnection checks it, before anything is written).
 */
export async function createInvitation(deps: EngineDeps, name: string, scopeJql: string | null = null): Promise<{ code: string; expiresAt: string; connectionId: string }> {
  const scope = await checkedScopeJql(deps, scopeJql);
  const id = deps.ids.uuid();
  const token = deps.ids.token();
  const expiresAt = new Date(deps.clock.now() + deps.settings.invitationTtlMs).toISOString();
  const repo = new Repo(deps.store);
  await deps.store.setSecret(keys.invitationTokenSecret(id), token);
  await deps.store.set(keys.invitation(id), { connectionId: id, expiresAt, createdAt: new Date(deps.clock.now()).toISOString() });
  await repo.saveConnection({ ...blankConnection(deps, id, name, 'inviter'), scopeJql: scope });
  const code = encodeInvitation({ v: 1, connectionId: id, inboxUrl: await deps.site.inboxUrl(), token, expiresAt, name, siteName: await deps.site.siteName() });
  return { code, expiresAt, connectionId: id };
}

/** The site's projects (their keys; names are null until the Jira port gives them), for scope suggestions. */
export async function listProjects(deps: EngineDeps): Promise<{ key: string; name: string | null }[]> {
  const metadata = await deps.jira.getMetadata();
  return Object.keys(metadata.issueTypes).sort().map((key) => ({ key, name: null }));
}

const HelloAnswerSchema = z.object({ ok: z.literal(true), siteName: z.string(), cloudId: z.string(), siteUrl: z.string().nullable() });

/**
 * Site B: accepts a code, says hello to site A with the one-time token, keeps the derived secret.
 * `scopeJql`: what this site sends on the connection, checked before the invitation is used.
 */
export async function acceptInvitation(deps: EngineDeps, codeText: string, scopeJql: string | null = null): Promise<ConnectionSummary> {
  const code = decodeInvitation(codeText);
  if (!code) throw new UserError('invalid-code', 'This is not a Twin Sync invitation code. Copy the whole code from the inviting site and paste it again.');
  if (Date.parse(code.expiresAt) <= deps.clock.now()) throw new UserError('expired', `This invitation expired at ${code.expiresAt}. Create a new one on the inviting site.`);
  const repo = new Repo(deps.store);
  const existing = await repo.getConnection(code.connectionId);
  if (existing) {
    throw new UserError('already-used', existing.role === 'inviter'
      ? 'This invitation was created on this site: paste it on the other site.'
      : 'This invitation was already accepted on this site.');
  }
  const scope = await checkedScopeJql(deps, scopeJql);
  const nonce = deps.ids.token();
  const hello: HelloMessage = {
    v: 1, type: 'hello', connectionId: code.connectionId, messageId: deps.ids.uuid(), sentAt: new Date(deps.clock.now()).toISOString(),
    from: await fromSite(deps), inboxUrl: await deps.site.inboxUrl(), siteUrl: await deps.jira.siteUrl(), nonce,
  };
  let answer;
  try {
    answer = await postSigned(deps, code.inboxUrl, code.connectionId, code.token, hello);
  } catch (error) {
    if (error instanceof PermanentError && /401/.test(error.message)) {
      throw new UserError('refused', 'The inviting site refused this invitation: it was already used, has expired, was revoked or is not genuine. Create a new one there.');
    }
    if (error instanceof TransientError) throw new UserError('unreachable', `The inviting site could not be reached: ${error.message}`);
    throw new UserError('refused', `The inviting site refused the invitation: ${error instanceof Error ? error.message : String(error)}`);
  }
  let parsedJson: unknown;
  try {
    parsedJson = JSON.parse(answer.body);
  } catch {
    parsedJson = null;
  }
  const parsed = HelloAnswerSchema.safeParse(parsedJson);
  if (!parsed.success) throw new UserError('refused', 'The inviting site answered the hello with something unexpected.');
  if (parsed.data.cloudId === deps.site.cloudId) throw new UserError('refused', 'The invitation comes from this very site: a site cannot connect to itself.');
  const connection: Connection = {
    ...blankConnection(deps, code.connectionId, code.name, 'accepter'),
    status: 'active', remoteSiteName: parsed.data.siteName, remoteCloudId: parsed.data.cloudId, remoteInboxUrl: code.inboxUrl, remoteSiteUrl: parsed.data.siteUrl,
    scopeJql: scope,
  };
  await deps.store.setSecret(keys.connectionSecret(connection.id), deriveConnectionSecret(code.token, connection.id, nonce));
  await repo.saveConnection(connection);
  return summarize(connection);
}

/** Site A's inbox got a hello signed with the token of a pending connection: activate it; the token dies. */
export async function acceptHello(deps: EngineDeps, connection: Connection, token: string, hello: HelloMessage): Promise<InboxResponse> {
  const repo = new Repo(deps.store);
  const invitation = await repo.read(keys.invitation(connection.id), InvitationSchema);
  if (!invitation || Date.parse(invitation.expiresAt) <= deps.clock.now()) return { status: 401, body: { ok: false, message: 'unauthorized' } };
  // each direction has its own key, derived from the two sites' cloud ids: they must differ
  if (hello.from.cloudId === deps.site.cloudId) return { status: 422, body: { ok: false, message: 'a site cannot connect to itself' } };
  // One-time: the first hello wins, any other is refused.
  if (!(await deps.store.setIfAbsent(keys.hello(connection.id), { at: new Date(deps.clock.now()).toISOString() }))) return { status: 401, body: { ok: false, message: 'unauthorized' } };
  await deps.store.setSecret(keys.connectionSecret(connection.id), deriveConnectionSecret(token, connection.id, hello.nonce));
  await deps.store.deleteSecret(keys.invitationTokenSecret(connection.id));
  await deps.store.delete(keys.invitation(connection.id));
  await repo.saveConnection({
    ...connection, status: 'active', remoteSiteName: hello.from.siteName, remoteCloudId: hello.from.cloudId, remoteInboxUrl: hello.inboxUrl,
    remoteSiteUrl: hello.siteUrl, lastMessageAt: new Date(deps.clock.now()).toISOString(),
  });
  return { status: 200, body: { ok: true, message: 'connected', siteName: await deps.site.siteName(), cloudId: deps.site.cloudId, siteUrl: await deps.jira.siteUrl() } };
}

export async function listConnections(deps: EngineDeps): Promise<ConnectionSummary[]> {
  return (await new Repo(deps.store).listConnections()).map(summarize);
}

export const UpdateConnectionSchema = z.strictObject({
  id: StorageIdSchema,
  name: z.string().min(1).max(200).optional(),
  direction: DirectionSchema.optional(),
  /** empty string or null = only already linked issues */
  scopeJql: z.string().max(2000).nullable().optional(),
  /** 'latest-wins' is accepted as another name of 'later-wins' */
  conflictPolicy: z.union([ConflictPolicySchema, z.literal('latest-wins').transform((): 'later-wins' => 'later-wins')]).optional(),
  rulesConfig: DefaultRulesConfigSchema.optional(),
});
export type UpdateConnectionInput = z.infer<typeof UpdateConnectionSchema>;

export async function updateConnection(deps: EngineDeps, input: UpdateConnectionInput): Promise<ConnectionSummary> {
  const repo = new Repo(deps.store);
  const connection = await repo.getConnection(input.id);
  if (!connection) throw new UserError('not-found', `No connection with id ${input.id}.`);
  const next: Connection = { ...connection };
  if (input.name !== undefined) next.name = input.name;
  if (input.direction !== undefined) next.direction = input.direction;
  if (input.conflictPolicy !== undefined) next.conflictPolicy = input.conflictPolicy;
  if (input.rulesConfig !== undefined) next.rulesConfig = input.rulesConfig;
  if (input.scopeJql !== undefined) next.scopeJql = await checkedScopeJql(deps, input.scopeJql);
  await repo.saveConnection(next);
  return summarize(next);
}

export interface DeleteConnectionAnswer {
  deleted: boolean;
  /** links forgotten here (so far: a very large connection is finished by the sweeper) */
  links: number;
  /** the remote site was told (signed `goodbye`) and marked the connection closed; false when it could not be reached or the connection was not active */
  remoteNotified: boolean;
}

export interface PurgeOptions {
  /** storage calls this invocation spends removing keys (the sweeper does the rest) */
  budget?: number;
}

/**
 * Deletes the connection and everything it owned (src/sync/state/keys.ts: every family of the
 * connection, its secrets too; the twins themselves stay). An active connection first says
 * `goodbye` to the remote inbox, signed with the secret deleted right after, so the remote marks it
 * closed and stops sending; an unreachable remote does not block the deletion (a warning is noted
 * in the site's activity, which outlives the connection).
 *
 * Order: the goodbye; then, in one transaction, the connection record goes and its purge mark is
 * written (from then on nothing lists, syncs, shows or retries anything of it); then the registry's
 * families are removed in bounded pages (src/sync/state/connection-purge.ts): blocked markers and
 * errors, the secrets and the invitation, the inbox, parts, outbox, locks, markers, bulk job and
 * pages, the links with their remote index and last replicas, the rules, the activity. The mark
 * goes last, once a walk after every invocation that may have read the connection has ended finds
 * nothing left (the sweeper's). Deleting an id whose purge is not finished goes on with it: a
 * delete that died half way is finished by a second delete, or by the sweeper.
 */
export async function deleteConnection(deps: EngineDeps, id: string, options: PurgeOptions = {}): Promise<DeleteConnectionAnswer> {
  const repo = new Repo(deps.store);
  const connection = await repo.getConnection(id);
  const pending = await readPurgeMark(deps.store, id);
  if (!connection && !pending) throw new UserError('not-found', `No connection with id ${id}.`);
  if (connection) {
    let remoteNotified = false;
    if (connection.status === 'active') {
      const goodbye: GoodbyeMessage = { v: 1, type: 'goodbye', connectionId: id, messageId: deps.ids.uuid(), sentAt: new Date(deps.clock.now()).toISOString(), from: await fromSite(deps) };
      try {
        await sendToConnection(deps, connection, goodbye);
        remoteNotified = true;
      } catch (error) {
        // the site's own activity: the connection's goes with it
        await logActivity(deps, { connectionId: null, direction: 'out', type: 'goodbye', issueKey: null, remoteIssueKey: null, outcome: 'warning', message: `connection "${connection.name}" deleted here; the remote site was not told: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
    const now = deps.clock.now();
    const mark: PurgeMark = {
      connectionId: id, mode: 'delete', name: connection.name, since: now, settleAt: now + WORKER_LEASE_MS, links: pending?.links ?? 0, remoteNotified: remoteNotified || pending?.remoteNotified === true,
    };
    await deps.store.transact([purgeMarkOp(mark), { op: 'delete', key: keys.connection(id) }]);
  }
  const progress = await continuePurge(deps.store, id, deps.clock.now(), options.budget);
  return { deleted: true, links: progress.links, remoteNotified: progress.remoteNotified };
}

/** what the inbox spends forgetting a closed connection's keys while the remote waits (a web trigger has 55 s) */
const GOODBYE_BUDGET_CALLS = 100;

/**
 * The remote site deleted the connection (its inbox got a verified `goodbye`): the connection stays
 * listed as closed with when, with its rules (still readable, and copied by hand into a new
 * connection) and its activity; everything else it owned is forgotten (its secret, links, errors,
 * blocked markers, inbox, outbox, markers, bulk job…: the `keptWhenClosed` families stay), the same
 * way and in the same order as a delete, resumably (the sweeper finishes what one inbox call does
 * not). Nothing is sent or accepted on it any more. A new invitation connects the sites again.
 */
export async function acceptGoodbye(deps: EngineDeps, connection: Connection, options: PurgeOptions = {}): Promise<InboxResponse> {
  const at = deps.clock.now();
  const now = new Date(at).toISOString();
  const mark: PurgeMark = { connectionId: connection.id, mode: 'close', name: connection.name, since: at, settleAt: at + WORKER_LEASE_MS, links: 0, remoteNotified: false };
  await deps.store.transact([{ op: 'set', key: keys.connection(connection.id), value: { ...connection, status: 'closed', closedAt: now, lastMessageAt: now } }, purgeMarkOp(mark)]);
  const progress = await continuePurge(deps.store, connection.id, deps.clock.now(), options.budget ?? GOODBYE_BUDGET_CALLS);
  const rest = progress.walked ? '' : '; the rest is forgotten by the sweeper';
  await logActivity(deps, { connectionId: connection.id, direction: 'in', type: 'goodbye', issueKey: null, remoteIssueKey: null, outcome: 'info', message: `${connection.remoteSiteName ?? 'the remote site'} ended connection "${connection.name}"; ${progress.links} issue link(s) forgotten here (the issues stay)${rest}` });
  return { status: 200, body: { ok: true, message: 'closed' } };
}
