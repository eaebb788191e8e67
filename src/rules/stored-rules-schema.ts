import { z } from 'zod';
import type { StoredRules } from '../ports/rules-store';

/** Stored rules as read back from storage (every read is parsed). */
export const RulesLimitsSchema = z.strictObject({
  cpuMs: z.number().int().min(1).max(10_000).exactOptional(),
  memoryBytes: z.number().int().min(24 * 1024 * 1024).max(256 * 1024 * 1024).exactOptional(),
});

export const StoredRulesSchema = z.strictObject({
  connectionId: z.string().min(1),
  version: z.number().int().min(1),
  outgoing: z.string(),
  incoming: z.string(),
  limits: RulesLimitsSchema.nullable(),
  savedBy: z.string().nullable(),
  savedAt: z.string(),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const proof: Same<z.infer<typeof StoredRulesSchema>, StoredRules> = true;
void proof;
