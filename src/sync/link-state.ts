import { valueHash } from './canonical-json';
import type { FieldHashes, FieldValues, LinkState } from './state/records';

export function newLink(connectionId: string, localIssueId: string, localKey: string, origin: 'local' | 'remote'): LinkState {
  return {
    connectionId, localIssueId, localKey, remoteIssueId: null, remoteKey: null, origin,
    outSeq: 0, lastSentHash: null, inSeq: 0, ackedSeq: 0, version: 0, sent: [], applied: null, known: null, comments: [], lastSyncAt: null, seenThrough: null, snapshot: null, previous: null,
  };
}

/** bounded: a remote that stays away for many sends loses its base (conflicts are then decided by stamps) */
const MAX_SENT = 32;

/** Keeps the sends the remote may still acknowledge (at or above its last ack), at most a few. */
export function pruneSent(link: LinkState): LinkState['sent'] {
  return link.sent.filter((s) => s.seq >= link.ackedSeq).slice(-MAX_SENT);
}

/** The values the remote is known to have: whichever of "our send it acknowledged" and "its last message we applied" is newer. */
export function baseFor(link: LinkState, ack: number): LinkState['applied'] {
  const sent = link.sent.find((s) => s.seq === ack) ?? null;
  const applied = link.applied;
  if (sent && (!applied || sent.version > applied.version)) return { version: sent.version, hashes: sent.hashes, stamps: sent.stamps };
  return applied;
}

/**
 * Takes in the local values just read: fields a person changed since the engine last saw them get
 * the issue's `updated` as their stamp (and the issue's edit time moves).
 */
export function observe(link: LinkState, values: FieldValues, updated: string): NonNullable<LinkState['known']> {
  link.known = observed(link, values, updated);
  return link.known;
}

/** what `observe` takes in, without changing the link */
export function observed(link: LinkState, values: FieldValues, updated: string): NonNullable<LinkState['known']> {
  const known = link.known;
  const hashes = fieldHashes(values);
  if (!known) return { hashes, editedAt: updated, stamps: Object.fromEntries(Object.keys(values).map((f) => [f, updated])) };
  const changed = Object.keys(hashes).filter((f) => hashes[f] !== known.hashes[f]);
  if (changed.length === 0) return known;
  const stamps = { ...known.stamps };
  for (const f of changed) stamps[f] = updated;
  return { hashes, editedAt: updated, stamps };
}

/** the hashes the link state keeps of field values */
export function fieldHashes(values: FieldValues): FieldHashes {
  return Object.fromEntries(Object.entries(values).map(([field, value]) => [field, valueHash(value)]));
}
