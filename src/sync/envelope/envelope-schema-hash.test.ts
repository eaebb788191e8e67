import { createHash } from 'node:crypto';
import { z } from 'zod';
import { EnvelopeSchema, PROTOCOL_VERSION } from './envelope';

/**
 * The wire format is a contract between installations that upgrade at different times.
 * Changing any message schema changes this hash: bump PROTOCOL_VERSION and record the new hash
 * for the new version here (keep the old lines: they document history).
 */
const RECORDED: Record<number, string> = {
  1: '10a2b206e4a9300388e3cc451f46b8a60b53195e4efe6c6db099b54121047f13',
};

describe('envelope schema', () => {
  it('matches the hash recorded for the current protocol version', () => {
    const json = JSON.stringify(z.toJSONSchema(EnvelopeSchema, { unrepresentable: 'any' }));
    const hash = createHash('sha256').update(json).digest('hex');
    expect({ version: PROTOCOL_VERSION, hash }).toEqual({ version: PROTOCOL_VERSION, hash: RECORDED[PROTOCOL_VERSION] });
  });
});
