import type { z } from 'zod';
import type { ResolverDefinitions } from '../../adapters/forge/forge-resolver';
import { rulesPayloads } from '../../contracts/admin-payloads';
import type { ResolverFailure } from '../../contracts/resolver-failure';
import { rulesResults, type RulesResults } from '../../contracts/rules-results';
import type { EngineDeps } from '../../sync/deps';
import { UserError } from '../../sync/errors';
import { toRulesIssue } from '../../sync/field-values';
import { metadataFor } from '../../sync/incoming';
import { rulesConnection } from '../../sync/rules-connection';
import { Repo } from '../../sync/state/repo';
import { KvRulesStore } from '../../rules/kv-rules-store';
import { RulesAdminError, dryRun, getRules, restoreRules, saveRules, validateRulesFor, type RulesAdminDeps } from '../../rules/rules-admin';
import { getMappings, listMappingValues, listUnmappedValues, saveMappings, searchPeople } from '../../rules/mappings-admin';
import { diffRules, previewRulesChange } from '../../rules/rules-preview';
import { gatherMappingValues } from '../../sync/mapping-values';
import type { LinkState } from '../../sync/state/records';
import { engineFor, type DepsFor } from '../resolver-context';
import { defineResolver, parsePayload, type ContractDefinition, type InexactAnswers } from '../resolver-support';

/**
 * Resolver functions of `twin-sync-admin` for the sync rules: getRules, validateRules, saveRules,
 * dryRun, the Mappings tab's (getMappings, saveMappings, listMappingValues, listUnmappedValues,
 * searchPeople), previewRulesChange and the history's (restoreRules, diffRules). Payloads are parsed with zod (a bad one changes nothing); the logic is in
 * src/rules/rules-admin.ts over injected deps.
 */

/** the Mappings tab gathers the values of at most this many links (100 per storage page) */
const MAX_LINKS_GATHERED = 2000;

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
      return toRulesIssue(local, link?.comments ?? [], link?.attachments ?? []);
    },
    // a last replica kept without its comment bodies (a very large issue) would dry-run as "delete every comment's text"
    lastReceived: async (connectionId, localIssueId) => {
      const previous = await repo.getPreviousRecord(connectionId, localIssueId);
      return previous?.commentBodies === true ? previous.replica : null;
    },
    getMetadata: (options) => deps.jira.getMetadata(options),
    async metadataFor(connectionId, replica, mappings) {
      const connection = await repo.getConnection(connectionId);
      return connection ? metadataFor(deps, repo, connection, replica, mappings) : deps.jira.getMetadata();
    },
    async listSynced(connectionId, cursor, limit) {
      const page = await repo.listLinksPage(connectionId, cursor, limit);
      return { issues: page.links.map((l) => ({ localIssueId: l.localIssueId, localKey: l.localKey, remoteKey: l.remoteKey })), cursor: page.cursor };
    },
    async seenValues(connectionId) {
      // the values of the last applies of the connection's links, a bounded number of them
      const links: LinkState[] = [];
      let cursor: string | null = null;
      do {
        const page = await repo.listLinksPage(connectionId, cursor, 100);
        links.push(...page.links);
        cursor = page.cursor;
      } while (cursor !== null && links.length < MAX_LINKS_GATHERED);
      return gatherMappingValues(links);
    },
    searchUsers: (query) => deps.jira.searchUsers(query),
    clockMs: () => deps.clock.now(),
    now: () => new Date(deps.clock.now()).toISOString(),
    actorAccountId,
  };
}

/** A rules function: its payload schema, its result schema (src/contracts/rules-results.ts), its logic. */
type Handler<S extends z.ZodType, R extends z.core.$ZodType, T extends z.output<R>> = { schema: S; result: R; run: (deps: RulesAdminDeps, payload: z.infer<S>) => Promise<T> };
const handler = <S extends z.ZodType, R extends z.core.$ZodType, T extends z.output<R>>(schema: S, result: R, run: (deps: RulesAdminDeps, payload: z.infer<S>) => Promise<T>): Handler<S, R, T> => ({ schema, result, run });

const handlers = {
  getRules: handler(rulesPayloads.getRules, rulesResults.getRules, getRules),
  validateRules: handler(rulesPayloads.validateRules, rulesResults.validateRules, validateRulesFor),
  saveRules: handler(rulesPayloads.saveRules, rulesResults.saveRules, saveRules),
  dryRun: handler(rulesPayloads.dryRun, rulesResults.dryRun, dryRun),
  getMappings: handler(rulesPayloads.getMappings, rulesResults.getMappings, getMappings),
  saveMappings: handler(rulesPayloads.saveMappings, rulesResults.saveMappings, saveMappings),
  listMappingValues: handler(rulesPayloads.listMappingValues, rulesResults.listMappingValues, listMappingValues),
  listUnmappedValues: handler(rulesPayloads.listUnmappedValues, rulesResults.listUnmappedValues, listUnmappedValues),
  searchPeople: handler(rulesPayloads.searchPeople, rulesResults.searchPeople, searchPeople),
  previewRulesChange: handler(rulesPayloads.previewRulesChange, rulesResults.previewRulesChange, previewRulesChange),
  restoreRules: handler(rulesPayloads.restoreRules, rulesResults.restoreRules, restoreRules),
  diffRules: handler(rulesPayloads.diffRules, rulesResults.diffRules, diffRules),
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
 * a bad payload answers `{error: {code: 'invalid-payload', message, field}}` and changes nothing.
 */
export const rulesResolverHandlers: { [K in keyof typeof handlers]: (payload: unknown, deps: RulesAdminDeps) => Promise<RulesResults[K] | ResolverFailure> } = {
  getRules: (payload, deps) => runParsed(handlers.getRules, payload, deps),
  validateRules: (payload, deps) => runParsed(handlers.validateRules, payload, deps),
  saveRules: (payload, deps) => runParsed(handlers.saveRules, payload, deps),
  dryRun: (payload, deps) => runParsed(handlers.dryRun, payload, deps),
  getMappings: (payload, deps) => runParsed(handlers.getMappings, payload, deps),
  saveMappings: (payload, deps) => runParsed(handlers.saveMappings, payload, deps),
  listMappingValues: (payload, deps) => runParsed(handlers.listMappingValues, payload, deps),
  listUnmappedValues: (payload, deps) => runParsed(handlers.listUnmappedValues, payload, deps),
  searchPeople: (payload, deps) => runParsed(handlers.searchPeople, payload, deps),
  previewRulesChange: (payload, deps) => runParsed(handlers.previewRulesChange, payload, deps),
  restoreRules: (payload, deps) => runParsed(handlers.restoreRules, payload, deps),
  diffRules: (payload, deps) => runParsed(handlers.diffRules, payload, deps),
};

async function runParsed<S extends z.ZodType, R extends z.core.$ZodType, T extends z.output<R>>(h: Handler<S, R, T>, payload: unknown, deps: RulesAdminDeps): Promise<T | ResolverFailure> {
  const parsed = parsePayload(h.schema, payload);
  if (!parsed.ok) return parsed.failure;
  try {
    return await h.run(deps, parsed.data);
  } catch (e) {
    if (e instanceof RulesAdminError) return { error: { code: e.code, message: e.message } };
    throw e;
  }
}

function definition<S extends z.ZodType, R extends z.core.$ZodType, T extends z.output<R>>(h: Handler<S, R, T>, depsFor: DepsFor): ContractDefinition<R, T> {
  return defineResolver(h.schema, h.result, (payload, call) => asUserErrors(() => h.run(rulesAdminDeps(depsFor(call), call.context.accountId), payload)));
}

/** Function key → resolver definition over the engine's deps for each call; merged into the admin page's definitions. */
export function rulesResolverDefinitionsOver(depsFor: DepsFor) {
  return {
    getRules: definition(handlers.getRules, depsFor),
    validateRules: definition(handlers.validateRules, depsFor),
    saveRules: definition(handlers.saveRules, depsFor),
    dryRun: definition(handlers.dryRun, depsFor),
    getMappings: definition(handlers.getMappings, depsFor),
    saveMappings: definition(handlers.saveMappings, depsFor),
    listMappingValues: definition(handlers.listMappingValues, depsFor),
    listUnmappedValues: definition(handlers.listUnmappedValues, depsFor),
    searchPeople: definition(handlers.searchPeople, depsFor),
    previewRulesChange: definition(handlers.previewRulesChange, depsFor),
    restoreRules: definition(handlers.restoreRules, depsFor),
    diffRules: definition(handlers.diffRules, depsFor),
  } satisfies { [K in keyof typeof rulesPayloads]: ContractDefinition<(typeof rulesResults)[K]> };
}

// each function answers exactly its result schema's type (a field the contract lacks names the function here)
const exactAnswers: Record<InexactAnswers<ReturnType<typeof rulesResolverDefinitionsOver>>, never> = {};
void exactAnswers;

/** The rules functions on Forge, by function key. */
export const rulesResolverDefinitions: ResolverDefinitions = rulesResolverDefinitionsOver(engineFor);
