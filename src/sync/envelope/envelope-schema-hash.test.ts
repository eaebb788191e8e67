import { createHash } from 'node:crypto';
import { z } from 'zod';
import { EnvelopeSchema, PROTOCOL_VERSION } from './envelope';

/**
 * The wire format is a contract between installations that upgrade at different times.
 * Changing any message schema changes this hash: bump PROTOCOL_VERSION and record the new hash
 * for the new version here (keep the old lines: they document history).
 */
const RECORDED: Record<number, string> = {
  1: '06cbf0297f203d86e2d637932342cd7bdd5f960f51a4779cf769c4ab3a4ed9b4',
};

describe('envelope schema', () => {
  it('matches the hash recorded for the current protocol version', () => {
    const json = JSON.stringify(z.toJSONSchema(EnvelopeSchema, { unrepresentable: 'any' }));
    const hash = createHash('sha256').update(json).digest('hex');
    expect({ version: PROTOCOL_VERSION, hash }).toEqual({ version: PROTOCOL_VERSION, hash: RECORDED[PROTOCOL_VERSION] });
  });
});
