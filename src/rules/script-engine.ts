import { z } from 'zod';
import type {
  IncomingRulesInput,
  IncomingRulesResult,
  OutgoingRulesInput,
  OutgoingRulesResult,
  RulesEngine,
} from '../ports/rules';
import { ReplicaSchema } from '../model/replica';
import { EMPTY_MAPPINGS, UnmappedValueSchema, type Mappings } from '../model/mappings';
import { EMPTY_METADATA, RulesIssueSchema, RulesLogSchema } from './rules-schemas';
import { ScriptRulesError, type ScriptName } from './script-errors';
import { DEFAULT_LIMITS, ScriptSandbox, type ScriptLimits } from './script-sandbox';

export interface ScriptRules {
  outgoing: string;
  incoming: string;
  limits?: Partial<ScriptLimits>;
  /** the connection's value mappings, the scripts' `mappings` global; absent: none */
  mappings?: Mappings;
}

/** created/updated of a replica whose issue did not tell them */
const EPOCH = new Date(0).toISOString();

const OutgoingOutputSchema = z.object({ replica: ReplicaSchema, logs: z.array(RulesLogSchema) });
const IncomingOutputSchema = z.object({
  issue: RulesIssueSchema,
  syncBack: z.boolean(),
  unlink: z.boolean(),
  waitFor: z.array(z.object({ key: z.string(), reason: z.string() })),
  warnings: z.array(z.string()),
  held: z.array(z.string()),
  unmapped: z.array(UnmappedValueSchema),
  logs: z.array(RulesLogSchema),
});

/** the module's own 16 MiB plus room for the API and a script */
export const MIN_MEMORY_BYTES = 24 * 1024 * 1024;

const LimitsSchema = z.object({
  cpuMs: z.number().int().min(1).max(10_000),
  memoryBytes: z.number().int().min(MIN_MEMORY_BYTES).max(256 * 1024 * 1024),
  stackBytes: z.number().int().min(16 * 1024).max(512 * 1024),
});

/**
 * Sandboxes are shared by every engine with the same memory and stack limits, whatever their CPU
 * limit (a per-run deadline): a sandbox serves one run at a time, and runs are synchronous. Each
 * holds its own WASM module and memory, so few are kept.
 */
const sandboxes = new Map<string, ScriptSandbox>();
const MAX_SANDBOXES = 4;

function sandboxFor(limits: ScriptLimits): ScriptSandbox {
  const key = `${limits.memoryBytes}:${limits.stackBytes}`;
  let sandbox = sandboxes.get(key);
  if (sandbox !== undefined) {
    sandboxes.delete(key); // most recently used last
  } else {
    sandbox = new ScriptSandbox(limits);
    const [oldestKey, oldest] = sandboxes.size >= MAX_SANDBOXES ? (sandboxes.entries().next().value ?? []) : [];
    if (oldestKey !== undefined) sandboxes.delete(oldestKey);
    oldest?.dispose();
  }
  sandboxes.set(key, sandbox);
  return sandbox;
}

/** Resolves per-connection limits against the defaults (CPU 200 ms, memory 32 MB, stack 256 KB). */
export function resolveLimits(limits: Partial<ScriptLimits> | undefined): ScriptLimits {
  return LimitsSchema.parse({ ...DEFAULT_LIMITS, ...limits });
}

/**
 * Sync rules as JavaScript scripts run in QuickJS (architecture §6). The outgoing script fills
 * `replica` from `issue`; the incoming script applies `replica` to `issue`. A script that throws,
 * leaves an invalid value or passes a limit makes the call reject with a RulesError
 * (a ScriptRulesError carrying the logs written before the failure).
 */
export function createScriptRulesEngine(rules: ScriptRules): RulesEngine {
  const limits = resolveLimits(rules.limits);
  const sandbox = sandboxFor(limits);
  const mappings = rules.mappings ?? EMPTY_MAPPINGS;
  return {
    mappings,
    async outgoing(input: OutgoingRulesInput): Promise<OutgoingRulesResult> {
      const issue = input.issue;
      const start = {
        key: issue.key,
        id: issue.id,
        projectKey: issue.projectKey,
        summary: '',
        description: null,
        type: null,
        priority: null,
        labels: [],
        status: null,
        resolution: null,
        dueDate: null,
        assignee: null,
        reporter: null,
        comments: [],
        attachments: [],
        parent: null,
        links: [],
        components: [],
        fixVersions: [],
        customFields: {},
        created: issue.created ?? EPOCH,
        updated: issue.updated ?? EPOCH,
      };
      const raw = await sandbox.run('outgoing', rules.outgoing, {
        mode: 'outgoing',
        issue,
        replica: start,
        previous: null,
        firstSync: false,
        connection: input.connection,
        metadata: EMPTY_METADATA,
        mappings,
      }, limits.cpuMs);
      const out = checkOutput('outgoing', OutgoingOutputSchema, raw);
      return { replica: out.replica, logs: out.logs };
    },

    async incoming(input: IncomingRulesInput): Promise<IncomingRulesResult> {
      const raw = await sandbox.run('incoming', rules.incoming, {
        mode: 'incoming',
        issue: input.issue,
        replica: input.replica,
        previous: input.previous,
        firstSync: input.firstSync,
        connection: input.connection,
        metadata: input.metadata,
        mappings,
      }, limits.cpuMs);
      const out = checkOutput('incoming', IncomingOutputSchema, raw);
      return { desired: out.issue, syncBack: out.syncBack, unlink: out.unlink, waitFor: out.waitFor, warnings: out.warnings, held: out.held, unmapped: out.unmapped, logs: out.logs };
    },
  };
}

function checkOutput<S extends z.ZodType>(script: ScriptName, schema: S, raw: unknown): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map((i) => {
    const path = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    const where = path.replace(/^\./, '');
    return `${where || 'result'}: ${i.message}`;
  });
  throw new ScriptRulesError(`the ${script} script left an invalid result: ${problems.join('; ')}`, script, null, null, null);
}
