import { createHash } from 'node:crypto';
import { z } from 'zod';
import { EnvelopeSchema, PROTOCOL_VERSION } from './envelope';

/**
 * The wire format is a contract between installations that upgrade at different times.
 * Changing any message schema changes this hash: bump PROTOCOL_VERSION and record the new hash
 * for the new version here (keep the old lines: they document history).
 */
const RECORDED: Record<number, string> = {
  1: '437b50d10b556cd658527c07da2aed5450774bd1390baadffb0c4d59882e1189',
};

describe('envelope schema', () => {
  it('matches the hash recorded for the current protocol version', () => {
    const json = JSON.stringify(z.toJSONSchema(EnvelopeSchema, { unrepresentable: 'any' }));
    const hash = createHash('sha256').update(json).digest('hex');
    expect({ version: PROTOCOL_VERSION, hash }).toEqual({ version: PROTOCOL_VERSION, hash: RECORDED[PROTOCOL_VERSION] });
  });
});
