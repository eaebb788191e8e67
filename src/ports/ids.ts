import { randomBytes, randomUUID } from 'node:crypto';

/** Sources of randomness, injectable so tests are reproducible. */
export interface IdSource {
  uuid(): string;
  /** url-safe random token with at least 256 bits */
  token(): string;
}

export const cryptoIds: IdSource = {
  uuid: () => randomUUID(),
  token: () => randomBytes(32).toString('base64url'),
};
