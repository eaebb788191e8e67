import type { z } from 'zod';
import type { ResolverDefinitions } from '../../adapters/forge/forge-resolver';
import type { EngineDeps } from '../../sync/deps';
import { UserError } from '../../sync/errors';
import { toRulesIssue } from '../../sync/field-values';
import { rulesConnection } from '../../sync/rules-connection';
import { Repo } from '../../sync/state/repo';
import { KvRulesStore } from '../../rules/kv-rules-store';
import {
  DryRunPayloadSchema,
  GetRulesPayloadSchema,
  RulesAdminError,
  SaveRulesPayloadSchema,
  ValidateRulesPayloadSchema,
  dryRun,
  getRules,
  saveRules,
  validateRulesFor,
  type RulesAdminDeps,
} from '../../rules/rules-admin';
import { engine } from '../engine';
import { defineResolver } from '../resolver-support';

/**
 * Resolver functions of `twin-sync-admin` for the sync rules: getRules, validateRules, saveRules,
 * dryRun. Payloads are parsed with zod (a bad one changes nothing); the logic is in
 * src/rules/rules-admin.ts over injected deps.
 */

/** The rules admin's deps on top of the engine's (storage, Jira, clock) for one call. */
export function rulesAdminDeps(deps: EngineDeps, actorAccountId: string | null): RulesAdminDeps {
  const repo = new Repo(deps.store);
  return {
    rulesStore: new KvRulesStore(deps.store),
    async getConnection(connectionId) {
      const connection = await repo.getConnection(connectionId);
      return connection ? { connection: rulesConnection(connection), defaults: connection.rulesConfig } : null;
    },
    async readIssue(connectionId, issueKey) {
      // GET /rest/api/3/issue/{issueIdOrKey} takes a key as well as an id
      const local = await deps.jira.getIssue(issueKey);
      if (!local) return null;
      const link = await repo.getLink(connectionId, local.id);
      return toRulesIssue(local, link?.comments ?? []);
    },
    // a last replica kept without its comment bodies (a very large issue) would dry-run as "delete every comment's text"
    lastReceived: async (connectionId, localIssueId) => {
      const previous = await repo.getPreviousRecord(connectionId, localIssueId);
      return previous?.commentBodies === true ? previous.replica : null;
    },
    getMetadata: () => deps.jira.getMetadata(),
    now: () => new Date(deps.clock.now()).toISOString(),
    actorAccountId,
  };
}

type Handler<S extends z.ZodType> = { schema: S; run: (deps: RulesAdminDeps, payload: z.infer<S>) => Promise<unknown> };
const handler = <S extends z.ZodType>(schema: S, run: (deps: RulesAdminDeps, payload: z.infer<S>) => Promise<unknown>): Handler<S> => ({ schema, run });

const handlers = {
  getRules: handler(GetRulesPayloadSchema, getRules),
  validateRules: handler(ValidateRulesPayloadSchema, validateRulesFor),
  saveRules: handler(SaveRulesPayloadSchema, saveRules),
  dryRun: handler(DryRunPayloadSchema, dryRun),
};

/** Expected failures of the rules admin become the resolvers' `{error: {code, message}}` answers. */
async function asUserErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof RulesAdminError) throw new UserError(e.code, e.message);
    throw e;
  }
}

/**
 * The same functions with deps injected: `(payload, deps) => answer`. The payload is parsed here;
 * a bad payload answers `{error: {code: 'invalid-payload', message}}` and changes nothing.
 */
export const rulesResolverHandlers: Record<keyof typeof handlers, (payload: unknown, deps: RulesAdminDeps) => Promise<unknown>> = {
  getRules: (payload, deps) => runParsed(handlers.getRules, payload, deps),
  validateRules: (payload, deps) => runParsed(handlers.validateRules, payload, deps),
  saveRules: (payload, deps) => runParsed(handlers.saveRules, payload, deps),
  dryRun: (payload, deps) => runParsed(handlers.dryRun, payload, deps),
};

async function runParsed<S extends z.ZodType>(h: Handler<S>, payload: unknown, deps: RulesAdminDeps): Promise<unknown> {
  const parsed = h.schema.safeParse(payload);
  if (!parsed.success) {
    const message = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
    return { error: { code: 'invalid-payload', message } };
  }
  try {
    return await h.run(deps, parsed.data);
  } catch (e) {
    if (e instanceof RulesAdminError) return { error: { code: e.code, message: e.message } };
    throw e;
  }
}

function definition<S extends z.ZodType>(h: Handler<S>): ResolverDefinitions[string] {
  return defineResolver(h.schema, (payload, call) => asUserErrors(() => h.run(rulesAdminDeps(engine(call.context.cloudId), call.context.accountId), payload)));
}

/** Function key → Forge resolver definition; merge into the admin page's definitions. */
export const rulesResolverDefinitions: ResolverDefinitions = {
  getRules: definition(handlers.getRules),
  validateRules: definition(handlers.validateRules),
  saveRules: definition(handlers.saveRules),
  dryRun: definition(handlers.dryRun),
};
