import { createHash } from 'node:crypto';
import forgeApi, { route, type APIResponse, type RequestInit, type Route } from '@forge/api';
import { z } from 'zod';
import {
  JiraError, type AttachmentSettings, type ChangedIssue, type CreateIssueInput, type IssueFieldWrite, type IssueOrigin, type IssueRef, type JiraPort, type LocalAttachment, type LocalComment,
  type LocalIssue, type LocalIssueLink, type ProjectParts, type Transition, type TransitionFields,
} from '../../ports/jira';
import type { RulesMetadata } from '../../ports/rules';
import type { StorePort } from '../../ports/store';
import { CustomFieldMetaSchema, OPTION_KINDS, type CustomFieldMeta, type FieldOption } from '../../model/custom-field';
import type { JsonValue, UserRef } from '../../model/replica';
import { keys } from '../../sync/state/keys';
import { CustomFieldValueError, fromJira, kindOfType, toJira } from './custom-field-values';
import {
  AddedAttachmentsSchema, AttachmentSettingsSchema, ContentRangeStartSchema, CreatedIssueSchema, MediaFileIdFromUrlSchema, FieldContextPageSchema, FieldListSchema, FieldOptionPageSchema, IssueLinkTypesSchema,
  JiraCommentPageSchema, JiraCommentSchema, JiraErrorBodySchema, JiraIssueSchema, JiraUserSchema, NamedListSchema, PriorityListSchema, ProjectListSchema, ResolutionPageSchema,
  ChangedPageSchema, ProjectSchema, SearchPageSchema, SearchRefsSchema, SearchResultSchema, ServerInfoSchema, StatusListSchema, TransitionsSchema, type JiraAttachment, type JiraIssue,
} from './jira-schemas';

/** POST /rest/api/3/search/approximate-count answers `{count}` */
const ApproximateCountSchema = z.looseObject({ count: z.number().int().min(0) });

/** a 429 asking for at most this many seconds is waited out inside the invocation (see send) */
const INLINE_429_MAX_WAIT_SECONDS = 5;
const INLINE_429_RETRIES = 3;

export const ORIGIN_PROPERTY = 'twinSync.origin';
/** site-wide, not per connection */
const META_KEY = keys.siteMeta;
const META_TTL_SECONDS = 600;
const USER_TTL_SECONDS = 24 * 3600;
/** at most this many people looked up per getMetadata, by email and by account id */
const MAX_EMAIL_LOOKUPS = 10;
const MAX_ACCOUNT_LOOKUPS = 50;
/** the metadata kept in KVS at most this large (a value holds 240 KiB; room for the envelope) */
const META_MAX_BYTES = 200 * 1024;
/** a field offering more options than this is not checked (its options would crowd the metadata out of KVS) */
const MAX_OPTIONS_KEPT = 1000;
/** a paged read (field contexts, options) stops after this many pages */
const MAX_PAGES = 100;

const MetaCacheSchema = z.strictObject({
  metadata: z.strictObject({
    issueTypes: z.record(z.string(), z.array(z.strictObject({ id: z.string(), name: z.string(), subtask: z.boolean() }))),
    priorities: z.array(z.strictObject({ id: z.string(), name: z.string() })),
    resolutions: z.array(z.strictObject({ id: z.string(), name: z.string() })),
    statuses: z.array(z.strictObject({ id: z.string(), name: z.string(), category: z.string() })),
    users: z.array(z.strictObject({ accountId: z.string(), displayName: z.string(), email: z.string().nullable() })),
    /**
     * each custom field with its kind and, for the option kinds whose options were loaded (the
     * fields a replica named, see `optionsLoaded`), the options of its contexts; null otherwise
     */
    customFields: z.array(CustomFieldMetaSchema),
    linkTypes: z.array(z.strictObject({ name: z.string(), inward: z.string(), outward: z.string() })),
  }),
  /** project key → project id (`POST /rest/api/3/version` names the project by id) */
  projectIds: z.record(z.string(), z.string()),
  /** when all of it was loaded from Jira (epoch ms): a refresh of the custom fields keeps its expiry */
  loadedAt: z.number(),
  /**
   * The option fields whose options are loaded: only those a replica named. A site may have
   * hundreds of select fields, each two calls or more (contexts, then options): loaded on demand,
   * kept with the rest.
   */
  optionsLoaded: z.array(z.string()),
  baseUrl: z.string(),
  siteTitle: z.string(),
  /** the site's attachment settings (GET /rest/api/3/attachment/meta), loaded and kept with the rest */
  attachments: z.strictObject({ enabled: z.boolean(), uploadLimit: z.number() }),
});
type MetaCache = z.infer<typeof MetaCacheSchema>;

/** this instance's metadata, and whether its custom fields were loaded from Jira (not read from KVS) by this instance */
interface MetaState {
  cache: MetaCache;
  fieldsFresh: boolean;
}

const READ_JSON = { Accept: 'application/json' };
const SEND_JSON = { Accept: 'application/json', 'Content-Type': 'application/json' };
/** an attachment's content is of any type */
const READ_ANY = { Accept: '*/*' };

/** The part of @forge/api a Jira call uses: `api.asApp().requestJira`. */
interface AppApi {
  asApp(): { requestJira(path: Route, init: RequestInit): Promise<APIResponse> };
}

/** Counts the REST calls made through this port (for logs and benchmarks). */
export interface CallCounter {
  calls: number;
}

/**
 * JiraPort over Jira Cloud REST v3 with `requestJira` as the app. Metadata (custom fields with
 * their kinds and options, projects and issue types, priorities, statuses, link types, server
 * info, attachment settings) is cached in KVS for 10 minutes and per invocation, and loaded again
 * from Jira at most once per instance when an issue or a replica names a custom field (or an
 * option) it lacks; people by email and by account id a day in KVS and per invocation. Build one
 * per invocation (forgeDeps does): an instance reads each of those KVS entries at most once.
 */
export class ForgeJira implements JiraPort {
  /** this invocation's metadata load, shared by concurrent callers; dropped when it fails */
  private meta: Promise<MetaState> | undefined;
  /** this invocation's load of the custom fields again from Jira (at most one that succeeds) */
  private refreshing: Promise<MetaState> | undefined;
  /** this invocation's user-by-email and user-by-id answers (build a ForgeJira per invocation: never shared) */
  private readonly usersByEmail = new Map<string, Promise<UserRef | null>>();
  private readonly usersById = new Map<string, Promise<UserRef | null>>();
  readonly counter: CallCounter = { calls: 0 };

  constructor(
    private readonly store: StorePort,
    /** epoch ms: when the metadata was loaded, for its expiry (the platform's clock on Forge) */
    private readonly now: () => number = () => Date.now(),
  ) {}

  /**
   * Makes one Jira call and reads the answer: counts the call; a failure to reach Jira is a
   * JiraError with status 0, a 4xx/5xx one with that status, Jira's messages and Retry-After; the
   * body is parsed as JSON when it is JSON (null otherwise).
   *
   * `call` gets the api to request with, which notes the request (`PUT /rest/api/3/issue/10001`)
   * for the error messages. Each call site is written out as
   * `api.asApp().requestJira(route`…`, { method, … })` because that is what `forge lint` reads to
   * check the app's scopes (tools/forge/lint.ts): a route or options passed through a variable
   * would hide the call from it.
   */
  /**
   * One Jira call. A 429 whose Retry-After is short is waited out and sent again here, up to
   * INLINE_429_RETRIES times, so work made of several calls (a metadata load is seven) is not started
   * over from its first call each time Jira asks to slow down; a longer wait goes to the queue.
   */
  private send(call: (api: AppApi) => Promise<APIResponse>): Promise<{ status: number; json: unknown }> {
    return this.sendReading(call, readJson);
  }

  /**
   * `send` for an answer that is not JSON: `read` gets the response when its status is below 400
   * (an error status is read and thrown as by `send`). A 429 is waited out the same way.
   */
  private async sendReading<T>(call: (api: AppApi) => Promise<APIResponse>, read: (response: APIResponse) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.sendOnce(call, read);
      } catch (error) {
        const wait = error instanceof JiraError && error.status === 429 ? (error.retryAfterSeconds ?? 1) : null;
        if (wait === null || wait > INLINE_429_MAX_WAIT_SECONDS || attempt >= INLINE_429_RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      }
    }
  }

  private async sendOnce<T>(call: (api: AppApi) => Promise<APIResponse>, read: (response: APIResponse) => Promise<T>): Promise<T> {
    this.counter.calls += 1;
    let requestLine: string | undefined;
    const api: AppApi = {
      asApp: () => ({
        requestJira: (path, init) => {
          requestLine = `${init.method ?? 'GET'} ${path.value}`;
          return forgeApi.asApp().requestJira(path, init);
        },
      }),
    };
    let response;
    try {
      response = await call(api);
    } catch (error) {
      throw new JiraError(`network failure: ${error instanceof Error ? error.message : String(error)}`, 0);
    }
    if (requestLine === undefined) throw new Error('a Jira call must make its request through the api it is given');
    if (response.status < 400) {
      try {
        return await read(response);
      } catch (error) {
        if (error instanceof JiraError) throw error;
        throw new JiraError(`network failure: ${requestLine}: ${error instanceof Error ? error.message : String(error)}`, 0);
      }
    }
    const { json } = await readJson(response);
    const retryAfter = Number(response.headers.get('retry-after') ?? '');
    const body = JiraErrorBodySchema.safeParse(json);
    const messages = body.success ? [...(body.data.errorMessages ?? []), ...Object.entries(body.data.errors ?? {}).map(([k, v]) => `${k}: ${v}`)] : [];
    throw new JiraError(`${requestLine} → ${response.status}${messages.length > 0 ? `: ${messages.join('; ')}` : ''}`, response.status, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null, body.success ? body.data.errors ?? {} : {});
  }

  private parse<T extends z.ZodType>(schema: T, json: unknown, what: string): z.infer<T> {
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new JiraError(`unexpected ${what} response: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 502);
    return parsed.data;
  }

  private metaState(): Promise<MetaState> {
    this.meta ??= this.loadMeta().catch((error: unknown) => {
      this.meta = undefined;
      throw error;
    });
    return this.meta;
  }

  private async metaCache(): Promise<MetaCache> {
    return (await this.metaState()).cache;
  }

  /**
   * The metadata with its custom fields as Jira has them now, for a field or an option created since
   * the metadata was cached: when this instance read it from KVS, the field list is loaded again
   * (once per instance), with the options of each option field that is new, or changed kind, or
   * whose id is in `staleOptions`; the other fields keep their options and the rest of the
   * metadata stays as it was. Stored for the next invocations, expiring when the whole would have.
   * An instance that loaded the metadata from Jira itself has it as it is.
   */
  private async refreshedFields(staleOptions: ReadonlySet<string> = new Set()): Promise<MetaCache> {
    const current = await this.metaState();
    if (current.fieldsFresh) return current.cache;
    if (this.refreshing === undefined) {
      const before = new Map(current.cache.metadata.customFields.map((f) => [f.id, f]));
      const refreshing = (async (): Promise<MetaState> => {
        const customFields = await this.loadCustomFields((id, kind) => {
          const known = before.get(id);
          return known !== undefined && known.kind === kind && !staleOptions.has(id) ? known.options : null;
        });
        // stale options, new fields and fields of another kind are loaded again when named (withOptionsOf)
        const optionsLoaded = customFields.filter((f) => f.options !== null).map((f) => f.id);
        const cache: MetaCache = { ...current.cache, metadata: { ...current.cache.metadata, customFields }, optionsLoaded };
        const ttlSeconds = Math.ceil((current.cache.loadedAt + META_TTL_SECONDS * 1000 - this.now()) / 1000);
        if (ttlSeconds > 0) await this.storeMeta(cache, Math.min(ttlSeconds, META_TTL_SECONDS));
        return { cache, fieldsFresh: true };
      })();
      this.refreshing = refreshing;
      this.meta = refreshing;
      refreshing.catch(() => {
        // a failed load is no load: the next caller tries again, meanwhile the metadata is what it was
        if (this.refreshing !== refreshing) return;
        this.refreshing = undefined;
        this.meta = Promise.resolve(current);
      });
    }
    return (await this.refreshing).cache;
  }

  private async loadMeta(): Promise<MetaState> {
    const cached = MetaCacheSchema.safeParse(await this.store.get(META_KEY));
    if (cached.success) return { cache: cached.data, fieldsFresh: false };
    return { cache: await this.fetchMeta(), fieldsFresh: true };
  }

  /** loads the metadata from Jira and stores it for 10 minutes */
  private async fetchMeta(): Promise<MetaCache> {
    const loadedAt = this.now();
    const customFields = await this.loadCustomFields(() => null);
    const projects = this.parse(ProjectListSchema, (await this.send((api) => api.asApp().requestJira(route`/rest/api/3/project`, { method: 'GET', headers: READ_JSON }))).json, 'project list');
    const issueTypes: MetaCache['metadata']['issueTypes'] = {};
    const projectIds: MetaCache['projectIds'] = {};
    for (const p of projects) {
      const project = this.parse(ProjectSchema, (await this.send((api) => api.asApp().requestJira(route`/rest/api/3/project/${p.key}`, { method: 'GET', headers: READ_JSON }))).json, 'project');
      issueTypes[p.key] = (project.issueTypes ?? []).map((t) => ({ id: t.id, name: t.name, subtask: t.subtask ?? false }));
      projectIds[p.key] = p.id;
    }
    const priorities = this.parse(PriorityListSchema, (await this.send((api) => api.asApp().requestJira(route`/rest/api/3/priority`, { method: 'GET', headers: READ_JSON }))).json, 'priority list');
    const resolutions = await this.loadResolutions();
    const statuses = this.parse(StatusListSchema, (await this.send((api) => api.asApp().requestJira(route`/rest/api/3/status`, { method: 'GET', headers: READ_JSON }))).json, 'status list');
    const server = this.parse(ServerInfoSchema, (await this.send((api) => api.asApp().requestJira(route`/rest/api/3/serverInfo`, { method: 'GET', headers: READ_JSON }))).json, 'server info');
    // "whether attachments are enabled and the maximum attachment size allowed"; permissions: none
    // (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-attachments/#api-rest-api-3-attachment-meta-get)
    const attachments = this.parse(AttachmentSettingsSchema, (await this.send((api) => api.asApp().requestJira(route`/rest/api/3/attachment/meta`, { method: 'GET', headers: READ_JSON }))).json, 'attachment settings');
    const meta: MetaCache = {
      metadata: {
        issueTypes,
        priorities: priorities.map((p) => ({ id: p.id, name: p.name })),
        resolutions,
        statuses: dedupeByName(statuses.map((s) => ({ id: s.id, name: s.name, category: s.statusCategory?.key ?? 'undefined' }))),
        users: [],
        customFields,
        linkTypes: await this.linkTypes(),
      },
      projectIds,
      loadedAt,
      optionsLoaded: [],
      baseUrl: server.baseUrl,
      siteTitle: server.serverTitle ?? new URL(server.baseUrl).host,
      attachments: { enabled: attachments.enabled, uploadLimit: attachments.uploadLimit ?? 0 },
    };
    await this.storeMeta(meta, META_TTL_SECONDS);
    return meta;
  }

  /**
   * The site's resolutions, every page of `GET /rest/api/3/resolution/search` ("Returns a paginated
   * list of resolutions"; `GET /rest/api/3/resolution` is deprecated in its favour:
   * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-resolutions/),
   * at most MAX_PAGES pages.
   */
  private async loadResolutions(): Promise<{ id: string; name: string }[]> {
    const all: { id: string; name: string }[] = [];
    let startAt = 0;
    for (let pages = 0; pages < MAX_PAGES; pages += 1) {
      const at = String(startAt);
      const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/resolution/search?startAt=${at}&maxResults=100`, { method: 'GET', headers: READ_JSON }));
      const page = this.parse(ResolutionPageSchema, json, 'resolution search');
      const values = page.values ?? [];
      all.push(...values.map((r) => ({ id: r.id, name: r.name })));
      if (page.isLast !== false || values.length === 0) break;
      startAt += values.length;
    }
    return all;
  }

  /**
   * The site's custom fields with their kinds (`schema.custom`, a custom field's type key: the
   * JsonTypeBean schema, https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-fields/#api-rest-api-3-field-get)
   * and, for the option kinds, their options: `known(id, kind)` when it gives them, else loaded.
   */
  private async loadCustomFields(known: (id: string, kind: CustomFieldMeta['kind']) => FieldOption[] | null): Promise<CustomFieldMeta[]> {
    const fields = this.parse(FieldListSchema, (await this.send((api) => api.asApp().requestJira(route`/rest/api/3/field`, { method: 'GET', headers: READ_JSON }))).json, 'field list');
    const customFields: CustomFieldMeta[] = [];
    for (const f of fields) {
      if (f.custom !== true) continue;
      const kind = kindOfType(f.schema?.custom);
      customFields.push({ id: f.id, name: f.name, kind, options: OPTION_KINDS.has(kind) ? known(f.id, kind) : null });
    }
    return customFields;
  }

  /**
   * The metadata with the options of the named option fields (by name, case-insensitive) loaded:
   * those not loaded yet are read from Jira (fieldOptions) and the whole is stored again, expiring
   * when it would have.
   */
  /**
   * Keeps the metadata for the next invocations: a cache, not a record. Over the room a KVS value
   * has (240 KiB, https://developer.atlassian.com/platform/forge/limits-kvs-ce: "Value size 240 KiB") it is
   * not kept (each invocation loads it), and a write refused (the storage quota) costs the next
   * invocation a load, not this one its work.
   */
  private async storeMeta(cache: MetaCache, ttlSeconds: number): Promise<void> {
    if (Buffer.byteLength(JSON.stringify(cache), 'utf8') > META_MAX_BYTES) return;
    await this.store.set(META_KEY, cache, { ttlSeconds }).catch(() => undefined);
  }

  private withOptionsOf(names: readonly string[]): Promise<MetaCache> {
    // one at a time in an instance, each from the metadata as the one before left it (none loses
    // another's options, nor a refresh of the field list)
    const next = this.optionsQueue.then(async () => this.loadOptionsOf((await this.metaState()).cache, names));
    this.optionsQueue = next.catch(() => undefined);
    return next;
  }

  /** the options chain of withOptionsOf */
  private optionsQueue: Promise<unknown> = Promise.resolve();

  private async loadOptionsOf(meta: MetaCache, names: readonly string[]): Promise<MetaCache> {
    const wanted = new Set(names.map((n) => n.toLowerCase()));
    const loaded = new Set(meta.optionsLoaded);
    const missing = meta.metadata.customFields.filter((f) => OPTION_KINDS.has(f.kind) && wanted.has(f.name.toLowerCase()) && !loaded.has(f.id));
    if (missing.length === 0) return meta;
    const options = new Map<string, FieldOption[] | null>();
    for (const f of missing) {
      // options the app may not read (403) or a field gone since (404): not checked, Jira's answer to a write decides
      const offered = await this.fieldOptions(f.id).catch((error: unknown) => {
        if (error instanceof JiraError && (error.status === 403 || error.status === 404)) return null;
        throw error;
      });
      if (offered === null) {
        options.set(f.id, null);
        continue;
      }
      // a field with very many options (a customer list) is not checked: Jira's answer to a write decides
      options.set(f.id, offered.length > MAX_OPTIONS_KEPT ? null : offered);
    }
    const customFields = meta.metadata.customFields.map((f) => ({ ...f, options: options.has(f.id) ? (options.get(f.id) ?? null) : f.options }));
    const cache: MetaCache = { ...meta, metadata: { ...meta.metadata, customFields }, optionsLoaded: [...loaded, ...options.keys()] };
    const ttlSeconds = Math.ceil((meta.loadedAt + META_TTL_SECONDS * 1000 - this.now()) / 1000);
    if (ttlSeconds > 0) await this.storeMeta(cache, Math.min(ttlSeconds, META_TTL_SECONDS));
    this.meta = Promise.resolve({ cache, fieldsFresh: (await this.metaState()).fieldsFresh });
    return cache;
  }

  /**
   * The enabled options of an option field, over all its contexts (a value offered in any context
   * is offered), in Jira's order: first the field's contexts, "a paginated list of contexts for a
   * custom field" (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-custom-field-contexts/#api-rest-api-3-field-fieldid-context-get),
   * then each context's options, "Options are returned first then cascading options, in the order
   * they display in Jira"; a cascading option's `optionId` is "the ID of the custom field option
   * containing the cascading option"; a `disabled` one is left out, and so are the children of a
   * disabled option (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-custom-field-options/#api-rest-api-3-field-fieldid-context-contextid-option-get).
   * Both need Administer Jira (manage:jira-configuration).
   */
  private async fieldOptions(fieldId: string): Promise<FieldOption[]> {
    const contextIds: string[] = [];
    for (let startAt = 0, page = 0; page < MAX_PAGES; page++) {
      const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/field/${fieldId}/context?startAt=${String(startAt)}&maxResults=50`, { method: 'GET', headers: READ_JSON }));
      const contexts = this.parse(FieldContextPageSchema, json, 'field context page');
      contextIds.push(...contexts.values.map((c) => c.id));
      startAt += contexts.values.length;
      if (lastPage(contexts, startAt)) break;
    }
    const merged = new Map<string, string[]>();
    for (const contextId of contextIds) {
      const parents = new Map<string, string>();
      const children: { parentId: string; value: string }[] = [];
      for (let startAt = 0, page = 0; page < MAX_PAGES; page++) {
        const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/field/${fieldId}/context/${contextId}/option?startAt=${String(startAt)}&maxResults=100`, { method: 'GET', headers: READ_JSON }));
        const options = this.parse(FieldOptionPageSchema, json, 'field option page');
        for (const o of options.values) {
          if (o.disabled) continue;
          if (o.optionId === undefined) parents.set(o.id, o.value);
          else children.push({ parentId: o.optionId, value: o.value });
        }
        startAt += options.values.length;
        if (lastPage(options, startAt)) break;
      }
      for (const value of parents.values()) if (!merged.has(value)) merged.set(value, []);
      for (const child of children) {
        const parent = parents.get(child.parentId);
        const list = parent === undefined ? undefined : merged.get(parent);
        if (list && !list.includes(child.value)) list.push(child.value);
      }
    }
    return [...merged].map(([value, children]) => ({ value, children }));
  }

  /**
   * "Returns a list of all issue link types"; 404 "if issue linking is disabled": then there are none
   * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-link-types/#api-rest-api-3-issuelinktype-get)
   */
  private async linkTypes(): Promise<MetaCache['metadata']['linkTypes']> {
    try {
      const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/issueLinkType`, { method: 'GET', headers: READ_JSON }));
      return this.parse(IssueLinkTypesSchema, json, 'issue link types').issueLinkTypes.map((t) => ({ name: t.name, inward: t.inward, outward: t.outward }));
    } catch (error) {
      if (error instanceof JiraError && error.status === 404) return [];
      throw error;
    }
  }

  async siteInfo(): Promise<{ baseUrl: string; siteTitle: string }> {
    const meta = await this.metaCache();
    return { baseUrl: meta.baseUrl, siteTitle: meta.siteTitle };
  }

  /**
   * An issue as the engine sees it. Custom fields by name, their values by kind (custom-field-values.ts);
   * an issue naming a custom field the metadata does not know (one created since it was cached) has
   * the metadata loaded again first, once per instance.
   */
  private async toLocal(issue: JiraIssue): Promise<LocalIssue> {
    let meta = await this.metaCache();
    const known = new Set(meta.metadata.customFields.map((c) => c.id));
    if (Object.keys(issue.fields).some((id) => id.startsWith('customfield_') && !known.has(id))) meta = await this.refreshedFields();
    const f = issue.fields;
    let comments = f.comment?.comments ?? [];
    if (f.comment === undefined || f.comment.total > comments.length) comments = await this.allComments(issue.id);
    const customFields: Record<string, { value: JsonValue }> = {};
    for (const field of meta.metadata.customFields) customFields[field.name] = { value: fromJira(field.kind, f[field.id]) };
    const links = (f.issuelinks ?? []).flatMap((l): LocalIssueLink[] => {
      // the other end, under `outwardIssue` when this issue is the link's outward one (the one
      // shown with the type's outward verb, "blocks"), else under `inwardIssue`
      const other = l.outwardIssue ?? l.inwardIssue;
      return other ? [{ id: l.id, type: l.type.name, direction: l.outwardIssue ? 'outward' : 'inward', issue: { id: other.id, key: other.key } }] : [];
    });
    return {
      id: issue.id, key: issue.key, projectKey: f.project.key, summary: f.summary ?? '', description: f.description ?? null, typeName: f.issuetype.name,
      priority: f.priority?.name ?? null, labels: f.labels ?? [], status: { name: f.status.name, category: f.status.statusCategory?.key ?? null },
      resolution: f.resolution?.name ?? null,
      dueDate: f.duedate ?? null, assignee: user(f.assignee), reporter: user(f.reporter),
      comments: comments.map((c) => ({ id: c.id, author: user(c.author), body: c.body, created: isoDate(c.created), updated: isoDate(c.updated) })),
      attachments: (f.attachment ?? []).map(localAttachment),
      parent: f.parent ? { id: f.parent.id, key: f.parent.key } : null,
      links,
      components: sortedNames(f.components),
      fixVersions: sortedNames(f.fixVersions),
      customFields, created: isoDate(f.created), updated: isoDate(f.updated),
      originConnectionId: issue.properties?.[ORIGIN_PROPERTY]?.connectionId ?? null,
    };
  }

  private async allComments(issueId: string): Promise<z.infer<typeof JiraCommentSchema>[]> {
    const out: z.infer<typeof JiraCommentSchema>[] = [];
    for (let startAt = 0; startAt < 10_000;) {
      const page = this.parse(JiraCommentPageSchema, (await this.send((api) => api.asApp().requestJira(route`/rest/api/3/issue/${issueId}/comment?startAt=${String(startAt)}&maxResults=100`, { method: 'GET', headers: READ_JSON }))).json, 'comment page');
      out.push(...page.comments);
      startAt += page.comments.length;
      if (page.comments.length === 0 || startAt >= page.total) break;
    }
    return out;
  }

  async getIssue(issueId: string): Promise<LocalIssue | null> {
    // `fields=*all` "Returns all fields" (a custom field created since the metadata was cached too);
    // `properties`: "a list of issue properties to return for the issue", in the same request
    // (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get)
    try {
      const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/issue/${issueId}?fields=*all&properties=${ORIGIN_PROPERTY}`, { method: 'GET', headers: READ_JSON }));
      return this.toLocal(this.parse(JiraIssueSchema, json, 'issue'));
    } catch (error) {
      if (error instanceof JiraError && error.status === 404) return null;
      throw error;
    }
  }

  async getIssueInScope(issueId: string, jql: string): Promise<LocalIssue | null> {
    if (!/^\d+$/.test(issueId)) throw new JiraError(`invalid issue id ${issueId}`, 400);
    // `fields: ['*all']` "Returns all fields" (the default is `id` only)
    // (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post)
    const body = { jql: `id = ${issueId} AND (${jql})`, fields: ['*all'], properties: [ORIGIN_PROPERTY], maxResults: 1, reconcileIssues: [Number(issueId)] };
    const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/search/jql`, { method: 'POST', headers: SEND_JSON, body: JSON.stringify(body) }));
    const issue = this.parse(SearchResultSchema, json, 'search').issues[0];
    return issue ? this.toLocal(issue) : null;
  }

  async findIssueByOrigin(origin: IssueOrigin): Promise<IssueRef | null> {
    const jql = `issue.property[${ORIGIN_PROPERTY}].remoteIssueId = "${escapeJql(origin.remoteIssueId)}" AND issue.property[${ORIGIN_PROPERTY}].connectionId = "${escapeJql(origin.connectionId)}"`;
    const body = { jql, fields: ['id'], maxResults: 2 };
    const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/search/jql`, { method: 'POST', headers: SEND_JSON, body: JSON.stringify(body) }));
    const found = this.parse(SearchRefsSchema, json, 'search').issues[0];
    if (!found) return null;
    return { id: found.id, key: found.key ?? found.id };
  }

  async searchIssueIds(jql: string, nextPageToken: string | null): Promise<{ ids: string[]; nextPageToken: string | null }> {
    const body = { jql, fields: ['id'], maxResults: 100, ...(nextPageToken !== null ? { nextPageToken } : {}) };
    const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/search/jql`, { method: 'POST', headers: SEND_JSON, body: JSON.stringify(body) }));
    const page = this.parse(SearchPageSchema, json, 'search');
    return { ids: page.issues.map((i) => i.id), nextPageToken: page.nextPageToken ?? null };
  }

  async searchChanged(jql: string, nextPageToken: string | null): Promise<{ issues: ChangedIssue[]; nextPageToken: string | null }> {
    const body = { jql, fields: ['updated'], properties: [ORIGIN_PROPERTY], maxResults: 100, ...(nextPageToken !== null ? { nextPageToken } : {}) };
    const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/search/jql`, { method: 'POST', headers: SEND_JSON, body: JSON.stringify(body) }));
    const page = this.parse(ChangedPageSchema, json, 'search');
    return {
      issues: page.issues.map((i) => ({ id: i.id, updated: i.fields.updated, originConnectionId: i.properties?.[ORIGIN_PROPERTY]?.connectionId ?? null })),
      nextPageToken: page.nextPageToken ?? null,
    };
  }

  private async fieldsBody(fields: IssueFieldWrite, forCreate: boolean): Promise<Record<string, unknown>> {
    const body: Record<string, unknown> = {};
    if (fields.summary !== undefined) body.summary = fields.summary;
    if (fields.description !== undefined) body.description = fields.description;
    if (fields.priority !== undefined) body.priority = fields.priority === null ? null : { name: fields.priority };
    // by name, like the priority; Jira refuses it unless the edit screen has the field (the caller's to handle)
    if (fields.resolution !== undefined) body.resolution = fields.resolution === null ? null : { name: fields.resolution };
    if (fields.labels !== undefined) body.labels = fields.labels;
    if (fields.dueDate !== undefined) body.duedate = fields.dueDate;
    if (fields.assignee !== undefined) body.assignee = fields.assignee === null ? null : { accountId: fields.assignee };
    if (fields.reporter !== undefined && fields.reporter !== null) body.reporter = { accountId: fields.reporter };
    // the parent by id, components and versions by name ("multiple values addressed by 'name'",
    // https://developer.atlassian.com/server/jira-servicedesk/info/field-input-formats)
    if (fields.parent !== undefined) body.parent = fields.parent === null ? null : { id: fields.parent };
    if (fields.components !== undefined) body.components = fields.components.map((name) => ({ name }));
    if (fields.fixVersions !== undefined) body.fixVersions = fields.fixVersions.map((name) => ({ name }));
    for (const [name, value] of Object.entries(fields.customFields ?? {})) {
      const field = await this.customFieldNamed(name);
      if (field === undefined) throw new JiraError(`no custom field named "${name}" on this site`, 400);
      if (forCreate && value === null) continue;
      try {
        body[field.id] = toJira(field.kind, value);
      } catch (error) {
        if (error instanceof CustomFieldValueError) throw new JiraError(`custom field "${field.name}": ${error.message}`, 400);
        throw error;
      }
    }
    if (forCreate) {
      for (const key of Object.keys(body)) if (body[key] === null) delete body[key];
    }
    return body;
  }

  /** the custom field of this name (case-insensitive); one not in the cached metadata has it loaded again first, once per instance */
  private async customFieldNamed(name: string): Promise<CustomFieldMeta | undefined> {
    const named = (meta: MetaCache): CustomFieldMeta | undefined => meta.metadata.customFields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    return named(await this.metaCache()) ?? named(await this.refreshedFields());
  }

  async createIssue(input: CreateIssueInput): Promise<IssueRef> {
    const fields = { ...(await this.fieldsBody(input.fields, true)), project: { key: input.projectKey }, issuetype: { name: input.typeName } };
    const body = { fields, properties: [{ key: ORIGIN_PROPERTY, value: input.origin }] };
    const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/issue`, { method: 'POST', headers: SEND_JSON, body: JSON.stringify(body) }));
    const created = this.parse(CreatedIssueSchema, json, 'create issue');
    return { id: created.id, key: created.key };
  }

  async updateIssue(issueId: string, fields: IssueFieldWrite): Promise<void> {
    const body = { fields: await this.fieldsBody(fields, false) };
    await this.send((api) => api.asApp().requestJira(route`/rest/api/3/issue/${issueId}?notifyUsers=false`, { method: 'PUT', headers: SEND_JSON, body: JSON.stringify(body) }));
  }

  async getTransitions(issueId: string): Promise<Transition[]> {
    const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/issue/${issueId}/transitions`, { method: 'GET', headers: READ_JSON }));
    return this.parse(TransitionsSchema, json, 'transitions').transitions.map((t) => ({ id: t.id, name: t.name, to: { name: t.to.name, category: t.to.statusCategory?.key ?? null } }));
  }

  /**
   * "Performs an issue transition and, if the transition has a screen, updates the fields from the
   * transition screen" (`fields`): the resolution by name, which a transition to a done status sets
   * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-transitions-post).
   * A field the transition has no screen for is a 400 naming it in `errors`.
   */
  async transitionIssue(issueId: string, transitionId: string, fields?: TransitionFields): Promise<void> {
    const body = { transition: { id: transitionId }, ...(fields?.resolution !== undefined ? { fields: { resolution: { name: fields.resolution } } } : {}) };
    await this.send((api) => api.asApp().requestJira(route`/rest/api/3/issue/${issueId}/transitions`, { method: 'POST', headers: SEND_JSON, body: JSON.stringify(body) }));
  }

  async addComment(issueId: string, body: LocalComment['body']): Promise<LocalComment> {
    const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/issue/${issueId}/comment`, { method: 'POST', headers: SEND_JSON, body: JSON.stringify({ body }) }));
    const c = this.parse(JiraCommentSchema, json, 'comment');
    return { id: c.id, author: user(c.author), body: c.body, created: isoDate(c.created), updated: isoDate(c.updated) };
  }

  async updateComment(issueId: string, commentId: string, body: LocalComment['body']): Promise<void> {
    await this.send((api) => api.asApp().requestJira(route`/rest/api/3/issue/${issueId}/comment/${commentId}?notifyUsers=false`, { method: 'PUT', headers: SEND_JSON, body: JSON.stringify({ body }) }));
  }

  async deleteComment(issueId: string, commentId: string): Promise<void> {
    try {
      await this.send((api) => api.asApp().requestJira(route`/rest/api/3/issue/${issueId}/comment/${commentId}`, { method: 'DELETE', headers: READ_JSON }));
    } catch (error) {
      if (error instanceof JiraError && error.status === 404) return;
      throw error;
    }
  }

  /** from the metadata cache (keys.siteMeta): no KVS read nor REST call beyond the metadata's own, once per invocation */
  async getAttachmentSettings(): Promise<AttachmentSettings> {
    const { enabled, uploadLimit } = (await this.metaCache()).attachments;
    return { enabled, uploadLimit };
  }

  /**
   * "A `Range` header can be set to define a range of bytes within the attachment to download";
   * with `redirect=false` Jira answers the content itself, 206 for a range, 200 for the whole file,
   * and 416 when "unable to satisfy the range" (a JiraError like any error status)
   * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-attachments/#api-rest-api-3-attachment-content-id-get).
   * A 200 is the whole file whatever the range (a server may ignore it, RFC 9110 §14.2): the
   * asked part is cut from it.
   */
  async readAttachment(attachmentId: string, offset: number, length: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 1) {
      throw new JiraError(`invalid attachment range: offset ${String(offset)}, length ${String(length)}`, 400);
    }
    const range = `bytes=${String(offset)}-${String(offset + length - 1)}`;
    return this.sendReading(
      (api) => api.asApp().requestJira(route`/rest/api/3/attachment/content/${attachmentId}?redirect=false`, { method: 'GET', headers: { ...READ_ANY, Range: range } }),
      async (response) => {
        if (response.status !== 200 && response.status !== 206) {
          await discard(response);
          throw new JiraError(`unexpected attachment content response: status ${String(response.status)}`, 502);
        }
        const bytes = new Uint8Array(await response.arrayBuffer());
        if (response.status === 200) return bytes.slice(offset, offset + length);
        // a Content-Range that cannot be read is let pass: the range asked is what was answered
        const range206 = ContentRangeStartSchema.safeParse(response.headers.get('content-range'));
        const start = range206.success ? range206.data : null;
        if (start !== null && start !== offset) throw new JiraError(`unexpected attachment content response: range from ${String(start)}, asked ${range}`, 502);
        return bytes.length > length ? bytes.slice(0, length) : bytes;
      },
    );
  }

  /**
   * Without `redirect=false` Jira answers 303 "See the `Location` header for the download URL"
   * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-attachments/#api-rest-api-3-attachment-content-id-get):
   * the Media Services file id is read from that URL and the content is never read. Asked with
   * `redirect: 'manual'`; when the runtime follows the redirect anyway, the URL it landed on
   * (`response.url`) names the same file. Neither (a 200 from Jira itself): null.
   */
  async attachmentMediaId(attachmentId: string): Promise<string | null> {
    return this.sendReading(
      (api) => api.asApp().requestJira(route`/rest/api/3/attachment/content/${attachmentId}`, { method: 'GET', headers: READ_ANY, redirect: 'manual' }),
      async (response) => {
        await discard(response);
        const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
        return mediaFileId(location) ?? mediaFileId('url' in response ? response.url : null);
      },
    );
  }

  /**
   * "Attachments are posted as multipart/form-data", "the request must have a
   * `X-Atlassian-Token: no-check` header, if not it is blocked", "the name of the multipart/form-data
   * parameter that contains the attachments must be `file`"; 413 when "the attachments exceed the
   * maximum attachment size for issues" or the issue's limits are reached
   * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-attachments/#api-rest-api-3-issue-issueidorkey-attachments-post;
   * the header: https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#special-request-headers,
   * https://support.atlassian.com/atlassian-cloud/kb/xsrf-check-failed-when-calling-cloud-apis).
   *
   * @forge/api hands `init` to the runtime's `__forge_fetch__` as is and types `body` as
   * `ArrayBuffer | string | URLSearchParams` (node_modules/@forge/api/out/index.d.ts): a FormData is
   * not among them. The form is encoded here instead, as @forge/api's own multipart call does
   * (sendEmail, out/sendEmail.js: `new Response(form)`, its bytes and its Content-Type with the
   * boundary), so what Forge forwards is the finished multipart body. Built once: a retried 429
   * sends the same bytes.
   */
  async addAttachment(issueId: string, file: { filename: string; mimeType: string; bytes: Uint8Array }): Promise<LocalAttachment> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.mimeType }), file.filename);
    const encoded = new Response(form);
    const contentType = encoded.headers.get('content-type');
    if (contentType === null) throw new Error('the multipart body has no content type');
    const body = await encoded.arrayBuffer();
    const headers = { Accept: 'application/json', 'X-Atlassian-Token': 'no-check', 'Content-Type': contentType };
    const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/issue/${issueId}/attachments`, { method: 'POST', headers, body }));
    const [added] = this.parse(AddedAttachmentsSchema, json, 'add attachment');
    if (!added) throw new JiraError('unexpected add attachment response: no attachment', 502);
    return localAttachment(added);
  }

  /** 204; 404 when "the attachment is not found" (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-attachments/#api-rest-api-3-attachment-id-delete) */
  async deleteAttachment(attachmentId: string): Promise<void> {
    await this.send((api) => api.asApp().requestJira(route`/rest/api/3/attachment/${attachmentId}`, { method: 'DELETE', headers: READ_JSON }));
  }

  async getMetadata(options?: { userEmails?: string[]; accountIds?: string[]; customFields?: Record<string, string[]> }): Promise<RulesMetadata> {
    let meta = await this.metaCache();
    const lacking = options?.customFields === undefined ? null : lackingFields(meta, options.customFields);
    if (lacking !== null) meta = await this.refreshedFields(lacking.staleOptions);
    if (options?.customFields !== undefined) meta = await this.withOptionsOf(Object.keys(options.customFields));
    const metadata = meta.metadata;
    const emails = [...new Set((options?.userEmails ?? []).map((e) => e.toLowerCase()))].slice(0, MAX_EMAIL_LOOKUPS);
    const accountIds = [...new Set(options?.accountIds ?? [])].filter((id) => id !== '').slice(0, MAX_ACCOUNT_LOOKUPS);
    if (emails.length === 0 && accountIds.length === 0) return metadata;
    const found = await Promise.all([...emails.map((email) => this.userByEmail(email)), ...accountIds.map((id) => this.userById(id))]);
    const users = new Map(metadata.users.map((u) => [u.accountId, u]));
    for (const u of found) if (u && !users.has(u.accountId)) users.set(u.accountId, u);
    return { ...metadata, users: [...users.values()] };
  }

  /** The user with exactly this email (when the site shows it to the app); answers cached a day, misses too. */
  private userByEmail(email: string): Promise<UserRef | null> {
    return this.onceIn(this.usersByEmail, email, () => this.cachedUser(keys.userByEmail(hashText(email)), () => this.lookUpUserByEmail(email)));
  }

  /** The user with this account id, or null for nobody on this site; answers cached a day, misses too. */
  private userById(accountId: string): Promise<UserRef | null> {
    return this.onceIn(this.usersById, accountId, () => this.cachedUser(keys.userById(hashText(accountId)), () => this.lookUpUserById(accountId)));
  }

  /** one answer per key per instance, shared by concurrent callers; a failure is not remembered */
  private onceIn(memo: Map<string, Promise<UserRef | null>>, key: string, load: () => Promise<UserRef | null>): Promise<UserRef | null> {
    let found = memo.get(key);
    if (found === undefined) {
      found = load().catch((error: unknown) => {
        memo.delete(key);
        throw error;
      });
      memo.set(key, found);
    }
    return found;
  }

  private async cachedUser(key: string, lookUp: () => Promise<UserRef | null>): Promise<UserRef | null> {
    const cached = UserCacheSchema.safeParse(await this.store.get(key));
    if (cached.success) return cached.data.user;
    const result = await lookUp();
    // a cache, not a record: a write refused (the storage quota) costs the next lookup, not this answer
    await this.store.set(key, { user: result }, { ttlSeconds: USER_TTL_SECONDS }).catch(() => undefined);
    return result;
  }

  private async lookUpUserByEmail(email: string): Promise<UserRef | null> {
    const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/user/search?query=${email}&maxResults=10`, { method: 'GET', headers: READ_JSON }));
    const found = this.parse(z.array(JiraUserSchema), json, 'user search').find((u) => u.emailAddress?.toLowerCase() === email);
    return found ? user(found) : null;
  }

  /**
   * "Returns a user"; 404 "if the user is not found": nobody (an email hidden by the person's
   * privacy settings is null) (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-user-get)
   */
  private async lookUpUserById(accountId: string): Promise<UserRef | null> {
    try {
      const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/user?accountId=${accountId}`, { method: 'GET', headers: READ_JSON }));
      const found = this.parse(JiraUserSchema, json, 'user');
      // a deactivated account is nobody to give an issue to (Jira refuses it as an assignee)
      return found.active === false ? null : user(found);
    } catch (error) {
      if (error instanceof JiraError && error.status === 404) return null;
      throw error;
    }
  }

  /**
   * Links `outward <type's outward verb> inward` ("INT-1 blocks INT-2"). Jira Cloud makes the
   * request's `inwardIssue` the link's source, the issue the outward verb is said of: after
   * `{type: Blocks, inwardIssue: A, outwardIssue: B}`, A's `issuelinks` name B as its
   * `outwardIssue` ("A blocks B") and B's name A as its `inwardIssue` (what apps observe, e.g.
   * https://github.com/atlassian/atlassian-mcp-server/issues/112, and the Forge events' `sourceIssueId`;
   * the page itself only says "optionally add a comment to the from (outward) issue"). So this
   * link's outward issue goes in `inwardIssue`. 201, "This resource returns nothing on the creation
   * of an issue link"; "If the link request duplicates a link, the response indicates that the
   * issue link was created" (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-links/#api-rest-api-3-issuelink-post).
   */
  async createIssueLink(link: { type: string; outwardIssueId: string; inwardIssueId: string }): Promise<void> {
    const body = { type: { name: link.type }, inwardIssue: { id: link.outwardIssueId }, outwardIssue: { id: link.inwardIssueId } };
    await this.send((api) => api.asApp().requestJira(route`/rest/api/3/issueLink`, { method: 'POST', headers: SEND_JSON, body: JSON.stringify(body) }));
  }

  /** 204; 404 when "the issue link is not found" (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-links/#api-rest-api-3-issuelink-linkid-delete) */
  async deleteIssueLink(linkId: string): Promise<void> {
    await this.send((api) => api.asApp().requestJira(route`/rest/api/3/issueLink/${linkId}`, { method: 'DELETE', headers: READ_JSON }));
  }

  /**
   * "Returns all components in a project" (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-components/#api-rest-api-3-project-projectidorkey-components-get)
   * and "Returns all versions in a project. The response is not paginated"
   * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-versions/#api-rest-api-3-project-projectidorkey-versions-get)
   */
  async getProjectParts(projectKey: string): Promise<ProjectParts> {
    const components = this.parse(NamedListSchema, (await this.send((api) => api.asApp().requestJira(route`/rest/api/3/project/${projectKey}/components`, { method: 'GET', headers: READ_JSON }))).json, 'project components');
    const versions = this.parse(NamedListSchema, (await this.send((api) => api.asApp().requestJira(route`/rest/api/3/project/${projectKey}/versions`, { method: 'GET', headers: READ_JSON }))).json, 'project versions');
    return { components: components.map((c) => c.name), versions: versions.map((v) => v.name) };
  }

  /**
   * `name` ("Required when creating a component") and `project`, "The key of the project the
   * component is assigned to. Required when creating a component"; 201; needs Administer Projects
   * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-components/#api-rest-api-3-component-post)
   */
  async createComponent(projectKey: string, name: string): Promise<void> {
    const body = { name, project: projectKey };
    await this.send((api) => api.asApp().requestJira(route`/rest/api/3/component`, { method: 'POST', headers: SEND_JSON, body: JSON.stringify(body) }));
  }

  /**
   * `name` and `projectId`, "The ID of the project to which this version is attached. Required when
   * creating a version" (`project` is "Deprecated. Use `projectId`"); 201; needs Administer Projects
   * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-versions/#api-rest-api-3-version-post).
   * The id is the metadata's, else the project's own (`GET /rest/api/3/project/{key}`).
   */
  async createVersion(projectKey: string, name: string): Promise<void> {
    const projectId = (await this.metaCache()).projectIds[projectKey] ?? (await this.projectId(projectKey));
    const body = { name, projectId: Number(projectId) };
    await this.send((api) => api.asApp().requestJira(route`/rest/api/3/version`, { method: 'POST', headers: SEND_JSON, body: JSON.stringify(body) }));
  }

  /** (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-projectidorkey-get) */
  private async projectId(projectKey: string): Promise<string> {
    const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/project/${projectKey}`, { method: 'GET', headers: READ_JSON }));
    return this.parse(ProjectIdSchema, json, 'project').id;
  }

  async validateJql(jql: string): Promise<string | null> {
    try {
      await this.send((api) => api.asApp().requestJira(route`/rest/api/3/search/approximate-count`, { method: 'POST', headers: SEND_JSON, body: JSON.stringify({ jql }) }));
      return null;
    } catch (error) {
      if (error instanceof JiraError && error.status === 400) return error.message.replace(/^.*→ 400: ?/, '');
      throw error;
    }
  }

  async countIssues(jql: string): Promise<number> {
    const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/search/approximate-count`, { method: 'POST', headers: SEND_JSON, body: JSON.stringify({ jql }) }));
    return this.parse(ApproximateCountSchema, json, 'approximate count').count;
  }

  async siteUrl(): Promise<string | null> {
    return (await this.metaCache()).baseUrl;
  }

  /**
   * "Returns a list of active users that match the search string and property" (GET
   * /rest/api/3/user/search, https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-search/#api-rest-api-3-user-search-get):
   * `query` matches the display name and the email address (where the person's privacy settings show it).
   */
  async searchUsers(query: string): Promise<UserRef[]> {
    const { json } = await this.send((api) => api.asApp().requestJira(route`/rest/api/3/user/search?query=${query}&maxResults=20`, { method: 'GET', headers: READ_JSON }));
    return this.parse(z.array(JiraUserSchema), json, 'user search').filter((u) => u.active !== false).flatMap((u) => { const found = user(u); return found ? [found] : []; });
  }
}

/** reads an answer's body as JSON when it is JSON (null otherwise) */
async function readJson(response: APIResponse): Promise<{ status: number; json: unknown }> {
  const text = await response.text();
  let json: unknown = null;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  return { status: response.status, json };
}

/**
 * Drops an answer's body unread. @forge/api's `Response` type declares neither `body` nor `url`;
 * the runtime's answer is a fetch Response ("a partial implementation of undici",
 * https://developer.atlassian.com/platform/forge/runtime-api-reference/fetch-api/), so both are
 * used when there.
 */
async function discard(response: APIResponse): Promise<void> {
  if (!('body' in response) || !(response.body instanceof ReadableStream)) return;
  try {
    await response.body.cancel();
  } catch {
    // nothing to release
  }
}

/** the media file id a download URL names (see MediaFileIdFromUrlSchema), else null */
function mediaFileId(url: unknown): string | null {
  const parsed = MediaFileIdFromUrlSchema.safeParse(url);
  return parsed.success ? parsed.data : null;
}

function localAttachment(a: JiraAttachment): LocalAttachment {
  return {
    id: a.id, filename: a.filename, mimeType: a.mimeType ?? 'application/octet-stream', size: a.size,
    created: typeof a.created === 'number' ? new Date(a.created).toISOString() : isoDate(a.created), author: user(a.author),
  };
}

const ProjectIdSchema = z.looseObject({ id: z.string().regex(/^\d+$/) });

/** a page of a paged list is its last: Jira says so, it is empty, or everything has come */
function lastPage(page: { values: unknown[]; isLast?: boolean | undefined; total?: number | undefined }, next: number): boolean {
  return page.isLast === true || page.values.length === 0 || (page.total !== undefined && next >= page.total);
}

/**
 * What of the custom fields (by name, case-insensitive) and option values (a value or a child's)
 * a replica names the metadata lacks: null for nothing; else the ids of the known fields that lack
 * a value (their options are to be loaded again).
 */
function lackingFields(meta: MetaCache, named: Record<string, string[]>): { staleOptions: Set<string> } | null {
  let lacking = false;
  const staleOptions = new Set<string>();
  const loaded = new Set(meta.optionsLoaded);
  for (const [name, values] of Object.entries(named)) {
    const field = meta.metadata.customFields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (field === undefined) {
      lacking = true;
      continue;
    }
    // options not loaded yet are loaded as they are now (withOptionsOf): nothing stale
    if (field.options === null || !loaded.has(field.id)) continue;
    const offered = new Set(field.options.flatMap((o) => [o.value, ...o.children]));
    if (values.some((v) => !offered.has(v))) {
      lacking = true;
      staleOptions.add(field.id);
    }
  }
  return lacking ? { staleOptions } : null;
}

function sortedNames(items: readonly { name: string }[] | null | undefined): string[] {
  return (items ?? []).map((i) => i.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const UserCacheSchema = z.strictObject({ user: z.strictObject({ accountId: z.string(), displayName: z.string(), email: z.string().nullable() }).nullable() });

function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

function user(u: { accountId: string; displayName?: string | undefined; emailAddress?: string | undefined } | null | undefined): UserRef | null {
  if (!u) return null;
  return { accountId: u.accountId, displayName: u.displayName ?? u.accountId, email: u.emailAddress ?? null };
}

/** Jira writes `2026-01-01T10:00:00.000+0000`; the engine works in ISO 8601 UTC. */
function isoDate(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

function escapeJql(value: string): string {
  return value.replace(/["\\]/g, (c) => `\\${c}`);
}

function dedupeByName<T extends { name: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(i.name) ? false : (seen.add(i.name), true)));
}
