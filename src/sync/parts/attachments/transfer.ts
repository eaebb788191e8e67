import { createHash } from 'node:crypto';
import { JiraError } from '../../../ports/jira';
import type { ReplicaAttachment } from '../../../model/replica';
import { parseJsonOrNull } from '../../canonical-json';
import type { EngineDeps } from '../../deps';
import { FetchedPartSchema, type FetchMessage } from '../../envelope/fetch-message';
import { PermanentError } from '../../errors';
import { fromSite, receivingKey, sendToConnection, signedForAnswer } from '../../send';
import { verifySignedAt } from '../../signing';
import type { Connection } from '../../state/records';
import { Repo } from '../../state/repo';
import { SignedReplySchema } from '../../envelope/signed-answer';
import { z } from 'zod';

/**
 * Attachment content between sites. A replica names attachments; their bytes would not fit its
 * message (a web trigger request or response is at most 5 MiB, an async event 200 KB:
 * https://developer.atlassian.com/platform/forge/limits-invocation/,
 * https://developer.atlassian.com/platform/forge/limits-async-events/; Jira's attachments are far
 * larger). So the site making a copy fetches the file from the site holding it, one part per
 * request: a `fetch` message signed and timestamped like any other (expiring with the skew window,
 * direction-bound by its key), answered with the part and its SHA-256, signed by the holder.
 * The holder serves only attachments of an issue linked on that connection that its outgoing
 * rules offered in a replica (`LinkState.offeredAttachments`), read from its Jira with a ranged
 * request.
 */

/** An attachment the holder no longer has or no longer offers: nothing to copy. */
export class AttachmentGoneError extends PermanentError {
  constructor(message: string) {
    super(message);
    this.name = 'AttachmentGoneError';
  }
}

export interface FetchAnswer {
  status: number;
  message: string;
  part?: { timestamp: string; signature: string; body: string };
}

/** The holder's side: one part of one offered attachment, signed into the answer. */
export async function answerFetch(deps: EngineDeps, connection: Connection, message: FetchMessage): Promise<FetchAnswer> {
  if (connection.direction === 'receive-only') return { status: 403, message: `connection "${connection.name}" only receives: it sends no attachments` };
  const link = await new Repo(deps.store).getLink(connection.id, message.issue.id);
  if (!link || !(link.offeredAttachments ?? []).includes(message.attachmentId)) {
    return { status: 404, message: 'no such attachment offered on this connection' };
  }
  const length = Math.min(message.length, deps.settings.attachmentPartBytes);
  let bytes: Uint8Array;
  try {
    bytes = await deps.jira.readAttachment(message.attachmentId, message.offset, length);
  } catch (error) {
    if (error instanceof JiraError && (error.status === 404 || error.status === 416)) return { status: 404, message: `attachment ${message.attachmentId} is gone here (${error.status})` };
    throw error;
  }
  const part = {
    connectionId: connection.id, attachmentId: message.attachmentId, offset: message.offset,
    data: Buffer.from(bytes).toString('base64'), sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  return { status: 200, message: 'part', part: await signedForAnswer(deps, connection, JSON.stringify(part)) };
}

const FetchAnswerSchema = z.looseObject({ part: SignedReplySchema });

/**
 * The copying side: the whole content of the remote's attachment `remote` of its issue
 * `remoteIssueId`, part by part, each checked (signature, what it answers, its hash), and the whole
 * checked against the size the replica gave.
 */
export async function fetchAttachment(deps: EngineDeps, connection: Connection, remoteIssueId: string, remote: ReplicaAttachment): Promise<Uint8Array> {
  const key = await receivingKey(deps, connection);
  if (key === undefined) throw new PermanentError(`connection "${connection.name}" has no secret: reconnect the sites`);
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset < remote.size) {
    const message: FetchMessage = {
      v: 1, type: 'fetch', connectionId: connection.id, messageId: deps.ids.uuid(), sentAt: new Date(deps.clock.now()).toISOString(), from: await fromSite(deps),
      issue: { id: remoteIssueId }, attachmentId: remote.id, offset, length: Math.min(deps.settings.attachmentPartBytes, remote.size - offset),
    };
    let answer: { status: number; body: string };
    try {
      answer = await sendToConnection(deps, connection, message);
    } catch (error) {
      if (error instanceof PermanentError && error.status === 404) throw new AttachmentGoneError(`"${remote.filename}" is no longer offered by the other site`);
      throw error;
    }
    const signed = FetchAnswerSchema.safeParse(parseJsonOrNull(answer.body));
    if (!signed.success) throw new PermanentError(`the other site answered a request for part of "${remote.filename}" without the part`);
    const { timestamp, signature, body } = signed.data.part;
    if (!verifySignedAt(key, timestamp, body, signature, deps.clock.now(), deps.settings.maxSkewMs)) {
      throw new PermanentError(`a part of "${remote.filename}" came with a signature that does not verify`);
    }
    const part = FetchedPartSchema.safeParse(parseJsonOrNull(body));
    if (!part.success || part.data.connectionId !== connection.id || part.data.attachmentId !== remote.id || part.data.offset !== offset) {
      throw new PermanentError(`the other site answered with another part than the one asked for of "${remote.filename}"`);
    }
    const bytes = Buffer.from(part.data.data, 'base64');
    if (createHash('sha256').update(bytes).digest('hex') !== part.data.sha256) throw new PermanentError(`a part of "${remote.filename}" does not match its hash`);
    if (bytes.length === 0) throw new AttachmentGoneError(`"${remote.filename}" is shorter there than its replica said (${offset} of ${remote.size} bytes): it changed`);
    chunks.push(bytes);
    offset += bytes.length;
  }
  if (offset !== remote.size) throw new AttachmentGoneError(`"${remote.filename}" is longer there than its replica said: it changed`);
  return new Uint8Array(Buffer.concat(chunks));
}
