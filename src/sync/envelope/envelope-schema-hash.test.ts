import { createHash } from 'node:crypto';
import { z } from 'zod';
import { EnvelopeSchema, PROTOCOL_VERSION } from './envelope';

/**
 * The wire format is a contract between installations that upgrade at different times.
 * Changing any message schema changes this hash: bump PROTOCOL_VERSION and record the new hash
 * for the new version here (keep the old lines: they document history).
 */
const RECORDED: Record<number, string> = {
  // Re-recorded in place when `goodbye` was added (was 06cbf029…ed9b4), when `part` was added
  // (was 59f9a9c3…b01f78) and when issue ids and keys got Jira's shapes (was 8ba14de0…ec1a9):
  // protocol 1 was never released. And when `outcome`, `pairWith`, `manual` and the unlink's `twin` were added (was bd13223c…08943),
  // and when the replica's `attachments`, `deletedAttachmentOrigins` and the `fetch` message were added (was 74ee7389…7d5d7),
  // and when the replica's `resolution` was added (was 7a28ff93…75966),
  // and when the replica message's twin `group` was added (was 3fed6a55…d85cd7), the comments' `origin` (was d1264e34…af22f4)
  // and the group's `members` (was a9849b69…04eb03), the attachments' `origin` (was 01fd88ed…b30cb7)
  // and the members' `state` (was 7fc4308f…13a90d).
  1: '8c31e9e2f048dd88a57121f7187f095097a6446eae540880663bea14ea5b0d54',
};

describe('envelope schema', () => {
  it('matches the hash recorded for the current protocol version', () => {
    const json = JSON.stringify(z.toJSONSchema(EnvelopeSchema, { unrepresentable: 'any' }));
    const hash = createHash('sha256').update(json).digest('hex');
    expect({ version: PROTOCOL_VERSION, hash }).toEqual({ version: PROTOCOL_VERSION, hash: RECORDED[PROTOCOL_VERSION] });
  });
});
