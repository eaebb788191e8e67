import { z } from 'zod';
import type { StoredRules } from '../ports/rules-store';
import { EMPTY_MAPPINGS, MappingsSchema } from '../model/mappings';

/**
 * CPU time one script run may take at most. Runs are synchronous in the invocation (QuickJS in the
 * function's own thread): a limit of seconds would let one looping script hold a sync, and the
 * web trigger applying it, that long.
 */
export const MAX_CPU_MS = 1000;

/** Limits an admin may set on a connection's rules (checked when saved or validated). */
export const RulesLimitsSchema = z.strictObject({
  cpuMs: z.number().int().min(1).max(MAX_CPU_MS).exactOptional(),
  memoryBytes: z.number().int().min(24 * 1024 * 1024).max(256 * 1024 * 1024).exactOptional(),
});

/** Limits as stored: records from before MAX_CPU_MS may hold more; they are read, and held to it when used. */
const StoredLimitsSchema = RulesLimitsSchema.extend({ cpuMs: z.number().int().min(1).max(10_000).transform((ms) => Math.min(ms, MAX_CPU_MS)).exactOptional() });

/** Stored rules as read back from storage (every read is parsed). */
export const StoredRulesSchema = z.strictObject({
  connectionId: z.string().min(1),
  version: z.number().int().min(1),
  /** null: the default scripts (records from before mappings always hold text) */
  outgoing: z.string().nullable(),
  incoming: z.string().nullable(),
  /** absent on records from before mappings: none */
  mappings: MappingsSchema.default(EMPTY_MAPPINGS),
  limits: StoredLimitsSchema.nullable(),
  savedBy: z.string().nullable(),
  savedAt: z.string(),
  summary: z.string().max(500).nullable().default(null),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const proof: Same<z.infer<typeof StoredRulesSchema>, StoredRules> = true;
void proof;
