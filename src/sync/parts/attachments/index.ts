import { JiraError, type AttachmentSettings, type LocalAttachment } from '../../../ports/jira';
import type { AdfDoc, ReplicaAttachment } from '../../../model/replica';
import { PermanentError } from '../../errors';
import type { AttachmentFailure, AttachmentLink } from '../../state/records';
import type { PartContext, SyncedPart } from '../part';
import { keepMedia, mediaIdsOf, pendingMediaId, remapMedia } from './media';
import { learnMediaIds } from './outgoing';
import { incomingMediaMap, planAttachments, type AttachmentPlan } from './plan';
import { AttachmentGoneError, fetchAttachment } from './transfer';

/**
 * Attachments as a synced part (part.ts): files copied both ways, by identity (plan.ts), their
 * content fetched from the other site in signed parts (transfer.ts), and the media nodes of
 * descriptions and comments pointed at this site's copy of each file (media.ts).
 */

interface Prepared {
  links: AttachmentLink[];
  /** read only when a copy is to be made */
  settings: AttachmentSettings;
  /** remote media ids the replica's documents name */
  named: Set<string>;
}

interface Plan extends AttachmentPlan {
  /** remote media id → local (or pending) media id */
  media: Map<string, string>;
  /** media ids of the files that started here: kept in a description taken from there */
  own: Set<string>;
  /** the local description when planned: where those files are shown */
  description: AdfDoc | null;
  /** remote media ids the replica's documents name (a copy's media id is read only for those) */
  named: Set<string>;
}

interface Done {
  writes: number;
  made: AttachmentLink[];
  added: LocalAttachment[];
  deleted: Set<string>;
  failures: AttachmentFailure[];
  notes: string[];
  /** pending media id → the copy's media id (or the remote's, when no copy was made) */
  settled: Map<string, string>;
}

/** no settings are read when nothing is to be copied: nothing is checked against them */
const UNREAD: AttachmentSettings = { enabled: true, uploadLimit: Number.MAX_SAFE_INTEGER };

export const attachmentsPart: SyncedPart<Prepared, Plan, Done> = {
  name: 'attachments',
  phase: 'before-fields',

  async prepare({ deps, message, local, link, desired }: PartContext): Promise<Prepared> {
    const links = (link.attachments ?? []).map((l) => ({ ...l }));
    const replica = message.replica;
    const named = new Set([replica.description, ...replica.comments.map((c) => c.body)].flatMap((d) => mediaIdsOf(d)));
    const present = new Set(local.attachments.map((a) => a.id));
    // the media ids of our counterparts of the files the remote's documents show
    for (const remote of replica.attachments) {
      if (remote.mediaId === null || !named.has(remote.mediaId)) continue;
      const localId = remote.originId ?? links.find((l) => l.remoteId === remote.id && l.owner === 'remote')?.localId;
      if (localId === undefined || !present.has(localId)) continue;
      const entry = links.find((l) => l.localId === localId);
      if (entry?.mediaId) continue;
      const mediaId = await deps.jira.attachmentMediaId(localId);
      if (entry) entry.mediaId = mediaId;
      else links.push({ localId, remoteId: remote.originId !== null ? remote.id : null, owner: 'local', mediaId });
    }
    // and of our own files our description shows (kept when the description comes from there)
    await learnMediaIds(deps.jira, [local.description], local.attachments.map((a) => a.id), links);
    const settings = desired.attachments.some((a) => a.id === '') ? await deps.jira.getAttachmentSettings() : UNREAD;
    return { links, settings, named };
  },

  plan({ deps, message, local, link, desired }: PartContext, prepared: Prepared): Plan {
    const planned = planAttachments({
      local: local.attachments, desired: desired.attachments, links: prepared.links, failures: link.attachmentFailures ?? [],
      replica: message.replica.attachments, deletedThere: message.deletedAttachmentOrigins, settings: prepared.settings, maxTransferBytes: deps.settings.maxAttachmentBytes,
      now: new Date(deps.clock.now()).toISOString(),
    });
    const media = incomingMediaMap(message.replica.attachments, planned.links, planned.uploads);
    // files that started here, staying: a description taken from there never drops them (Jira would
    // delete a file nothing shows any more); a file deleted there goes with its own deletion
    const own = new Set(planned.links.filter((l) => l.owner === 'local' && l.mediaId !== null && !planned.deletes.includes(l.localId)).map((l) => l.mediaId ?? ''));
    return { ...planned, media, own, description: local.description, named: prepared.named };
  },

  rewrite: (plan: Plan) => (doc) => remapMedia(doc, plan.media),
  protect: (plan: Plan) => (doc, where) => (where === 'description' ? keepMedia(plan.description, doc, plan.own) : doc),

  resettle: () => undefined,
  writes: (plan) => plan.uploads.length + plan.deletes.length,
  longRunning: (plan) => plan.uploads.length > 0,
  // a copy an earlier attempt uploaded and died before recording is found among the issue's files as
  // Jira has them now (a snapshot predates it: the app's own upload marks nothing dirty)
  needsCurrentIssue: (plan) => plan.uploads.length > 0,

  async execute({ deps, connection, message, local }: PartContext, plan: Plan): Promise<Done> {
    const done: Done = { writes: 0, made: [], added: [], deleted: new Set(), failures: [], notes: [], settled: new Map() };
    for (const id of plan.deletes) {
      try {
        await deps.jira.deleteAttachment(id);
        done.writes += 1;
      } catch (error) {
        if (!(error instanceof JiraError && error.status === 404)) throw error; // gone already
      }
      done.deleted.add(id);
    }
    const { named } = plan;
    const linked = new Set(plan.links.map((l) => l.localId));
    for (const remote of plan.uploads) {
      const copy = await copyOne(remote);
      if (copy === null) continue;
      const mediaId = remote.mediaId !== null && named.has(remote.mediaId) ? await deps.jira.attachmentMediaId(copy.id) : null;
      // a file the remote had from a third site keeps its origin (offered on with it, group-identity.ts)
      const origin = remote.origin !== undefined && remote.origin.cloudId !== message.from.cloudId ? { origin: remote.origin } : {};
      done.made.push({ localId: copy.id, remoteId: remote.id, owner: 'remote', mediaId, ...origin });
      linked.add(copy.id);
      if (mediaId !== null) done.settled.set(pendingMediaId(remote.id), mediaId);
    }
    for (const remote of plan.uploads) {
      // a copy not made: its nodes keep naming the remote's file (shown as missing), never a pending id
      if (!done.settled.has(pendingMediaId(remote.id)) && remote.mediaId !== null) done.settled.set(pendingMediaId(remote.id), remote.mediaId);
    }
    return done;

    async function copyOne(remote: ReplicaAttachment): Promise<LocalAttachment | null> {
      let bytes: Uint8Array;
      try {
        bytes = await fetchAttachment(deps, connection, message.issue.id, remote);
      } catch (error) {
        if (error instanceof AttachmentGoneError) {
          done.notes.push(`${error.message}: not copied`);
          return null;
        }
        if (error instanceof PermanentError) {
          done.failures.push(failure(remote, `"${remote.filename}" not copied: ${error.message}`));
          return null;
        }
        throw error;
      }
      // the same file here already, not linked (a person attached it on both sides, or an attempt
      // of this apply died after uploading): that one is the copy
      for (const candidate of local.attachments) {
        if (linked.has(candidate.id) || candidate.filename !== remote.filename || candidate.size !== remote.size || candidate.mimeType !== remote.mimeType) continue;
        if (await sameBytes(candidate, bytes)) return candidate;
      }
      try {
        const added = await deps.jira.addAttachment(local.id, { filename: remote.filename, mimeType: remote.mimeType, bytes });
        done.writes += 1;
        done.added.push(added);
        return added;
      } catch (error) {
        // refused by Jira for this file (too large, a type not allowed, no permission): an error of this attachment only
        if (error instanceof JiraError && error.status >= 400 && error.status < 500 && error.status !== 404 && error.status !== 429) {
          done.failures.push(failure(remote, `"${remote.filename}" not copied: Jira refused it (${error.status}): ${error.message}`));
          return null;
        }
        throw error;
      }
    }

    function failure(remote: ReplicaAttachment, reason: string): AttachmentFailure {
      return { remoteId: remote.id, filename: remote.filename, size: remote.size, reason, at: new Date(deps.clock.now()).toISOString() };
    }

    async function sameBytes(candidate: LocalAttachment, bytes: Uint8Array): Promise<boolean> {
      for (let offset = 0; offset < bytes.length; offset += deps.settings.attachmentPartBytes) {
        const length = Math.min(deps.settings.attachmentPartBytes, bytes.length - offset);
        const here = await deps.jira.readAttachment(candidate.id, offset, length);
        if (Buffer.compare(Buffer.from(here), Buffer.from(bytes.subarray(offset, offset + length))) !== 0) return false;
      }
      return true;
    }
  },

  settle: (_plan, done) => (doc) => remapMedia(doc, done.settled),

  commit(link, plan, done, local) {
    link.attachments = [...plan.links, ...done.made];
    const failures = [...plan.failures, ...done.failures];
    link.attachmentFailures = failures;
    const counterpart = new Set(link.attachments.filter((l) => l.remoteId !== null).map((l) => l.localId));
    const offered = new Set(link.offeredAttachments ?? []);
    const unsent = local.attachments.some((a) => offered.has(a.id) && !counterpart.has(a.id) && !done.deleted.has(a.id));
    return {
      writes: done.writes,
      copied: done.made.length,
      unsent,
      notes: [...plan.newFailures, ...done.failures].map((f) => f.reason).concat(done.notes),
      conflicts: [],
    };
  },

  after(issue, _plan, done) {
    issue.attachments = [...issue.attachments.filter((a) => !done.deleted.has(a.id)), ...done.added];
    return true;
  },
};
