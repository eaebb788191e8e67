import type { AdfDoc, JsonValue, Replica, UserRef } from '../model/replica';
import type { MappedPerson, PeopleSettings, RulesMetadata } from '../ports/rules';

/**
 * People of the other site, found here. One Atlassian account is one account id on every site it
 * belongs to (https://developer.atlassian.com/cloud/jira/platform/deprecation-notice-user-privacy-api-migration-guide/),
 * so the order is: the admin's mapping table, then the same account id, then the email where
 * visible to the app, then the connection's fallback (nobody, or a named account) — with a
 * warning on the issue naming whoever could not be mapped. The rules ask by nodeHelper.mapUser;
 * mentions in documents are rewritten by the same answers (mentionRewrite).
 */

export type { MappedPerson };

/** every person the replica names: assignee, reporter, people in custom fields, mentions in its documents */
export function peopleOf(replica: Replica): UserRef[] {
  const out = new Map<string, UserRef>();
  const add = (u: UserRef | null | undefined): void => {
    if (u && !out.has(u.accountId)) out.set(u.accountId, u);
  };
  add(replica.assignee);
  add(replica.reporter);
  for (const field of Object.values(replica.customFields)) for (const u of usersIn(field.value)) add(u);
  for (const doc of [replica.description, ...replica.comments.map((c) => c.body)]) {
    for (const m of mentionsIn(doc)) add({ accountId: m.id, displayName: m.text.replace(/^@/, ''), email: null });
  }
  return [...out.values()];
}

function usersIn(value: JsonValue): UserRef[] {
  const one = (v: JsonValue): UserRef | null =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.accountId === 'string' && v.accountId !== ''
      ? { accountId: v.accountId, displayName: typeof v.displayName === 'string' ? v.displayName : '', email: typeof v.email === 'string' ? v.email : null }
      : null;
  if (Array.isArray(value)) return value.map(one).filter((u): u is UserRef => u !== null);
  const u = one(value);
  return u ? [u] : [];
}

/** the account ids to look up here before mapping: the people named, and the table's and fallback's local accounts */
export function accountIdsToLookUp(people: readonly UserRef[], settings: PeopleSettings): string[] {
  // the fallback and the table's rows for the people named first (the adapter looks up a bounded number)
  const named = new Set(people.map((p) => p.accountId));
  const rows = settings.userMappings.filter((m) => named.has(m.remote)).map((m) => m.local);
  return [...new Set([...(settings.fallbackAccountId ? [settings.fallbackAccountId] : []), ...rows, ...people.map((p) => p.accountId)])];
}

/** the emails to look up (visible ones only) */
export function emailsToLookUp(people: readonly UserRef[]): string[] {
  return [...new Set(people.map((p) => p.email).filter((e): e is string => typeof e === 'string' && e !== ''))];
}

/** maps one remote person by the order above; `users` are this site's people the lookups found */
export function mapPerson(remote: UserRef, users: readonly UserRef[], settings: PeopleSettings): MappedPerson {
  const byId = (id: string): UserRef | undefined => users.find((u) => u.accountId === id);
  const row = settings.userMappings.find((m) => m.remote === remote.accountId);
  const fromTable = row ? byId(row.local) : undefined;
  if (fromTable) return { local: fromTable, how: 'table' };
  const same = byId(remote.accountId);
  if (same) return { local: same, how: 'same account' };
  const email = remote.email?.toLowerCase();
  const byEmail = email ? users.find((u) => u.email !== null && u.email.toLowerCase() === email) : undefined;
  if (byEmail) return { local: byEmail, how: 'email' };
  const fallback = settings.fallbackAccountId ? byId(settings.fallbackAccountId) : undefined;
  if (fallback) return { local: fallback, how: 'fallback' };
  return { local: null, how: 'none' };
}

/** the mapping of every person the replica names, by remote account id */
export function mapPeople(people: readonly UserRef[], metadata: RulesMetadata, settings: PeopleSettings): Record<string, MappedPerson> {
  return Object.fromEntries(people.map((p) => [p.accountId, mapPerson(p, metadata.users, settings)]));
}

interface Mention {
  id: string;
  text: string;
}

/** the `mention` nodes of a document */
export function mentionsIn(doc: AdfDoc | null): Mention[] {
  const out: Mention[] = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    const n = node as { type?: unknown; attrs?: { id?: unknown; text?: unknown }; content?: unknown };
    if (n.type === 'mention' && typeof n.attrs?.id === 'string') out.push({ id: n.attrs.id, text: typeof n.attrs.text === 'string' ? n.attrs.text : '' });
    walk(n.content);
  };
  if (doc) walk(doc.content);
  return out;
}

/**
 * A document with its mentions in local terms: a mapped person's mention names the person here
 * (the same account, or the table's); anyone else's becomes plain text ("@Dana Quill"), so that
 * nobody here is notified by mistake. A fallback account is not mentioned in anyone's place.
 */
export function rewriteMentions(doc: AdfDoc | null, mapped: Readonly<Record<string, MappedPerson>>): AdfDoc | null {
  if (doc === null || mentionsIn(doc).length === 0) return doc;
  const walk = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map(walk);
    const n = node as Record<string, unknown> & { type?: unknown; attrs?: Record<string, unknown>; content?: unknown };
    if (n.type === 'mention' && typeof n.attrs?.id === 'string' && n.attrs.id in mapped) {
      const m = mapped[n.attrs.id];
      const text = typeof n.attrs.text === 'string' && n.attrs.text !== '' ? n.attrs.text : `@${m?.local?.displayName ?? 'someone'}`;
      if (m?.local && (m.how === 'same account' || m.how === 'table' || m.how === 'email')) {
        return { ...n, attrs: { ...n.attrs, id: m.local.accountId, text } };
      }
      return { type: 'text', text };
    }
    return n.content === undefined ? n : { ...n, content: walk(n.content) };
  };
  return { ...doc, content: walk(doc.content) as unknown[] };
}
