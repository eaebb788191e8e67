import { z } from 'zod';
import type { JiraIssueLinkProductEvent } from './contract';
import { JiraError } from './http/jira-error';
import type { Json, Renderer } from './render';
import type { Catalog } from './storage/catalog';
import type { IssueStore } from './storage/issue-store';
import type { IssueLinkRecord, IssueLinkStore, IssueLinkTypeRecord } from './storage/link-store';
import type { ChangeItem, IssueRecord } from './storage/records';

/**
 * Issue links as Jira Cloud has them (sandbox/jira/README.md, "Issue links"). Sources: "Issue links"
 * and "Issue link types" (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-links/,
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-link-types/), the issue
 * linking model (https://developer.atlassian.com/cloud/jira/platform/issue-linking-model/) and the
 * Forge events page (https://developer.atlassian.com/platform/forge/events-reference/jira/, "Issue
 * link events").
 */

/**
 * `linkIssues` 413: "the per-issue limit for issue links has been breached"; the limit is the one
 * `GET /rest/api/3/issue/limit/report` shows in its example (`"limits": {"issuelinks": 2000, …}`).
 */
export const MAX_LINKS_PER_ISSUE = 2000;

const issueRef = z.object({ id: z.union([z.string(), z.number()]).optional(), key: z.string().optional() }).passthrough();
const linkRequest = z.object({
  type: z.object({ id: z.union([z.string(), z.number()]).optional(), name: z.string().optional() }).passthrough(),
  inwardIssue: issueRef,
  outwardIssue: issueRef,
  comment: z.record(z.string(), z.unknown()).optional(),
}).passthrough();

/** a validated `LinkIssueRequestJsonBean` */
export interface LinkRequest {
  type: { id: string } | { name: string };
  inwardIssue: string;
  outwardIssue: string;
  /** the `Comment` to add to the outward issue, as given */
  comment?: Record<string, unknown>;
}

/**
 * `POST /issueLink`'s body: `type` (`id` or `name`), `inwardIssue` and `outwardIssue` (`id` or `key`),
 * optional `comment`. What misses one of them is refused with 400 (the spec: LinkIssueRequestJsonBean
 * requires the three; the messages are the sandbox's own).
 */
export function parseLinkRequest(body: unknown): LinkRequest {
  const parsed = linkRequest.safeParse(body);
  if (!parsed.success) throw JiraError.badRequest('Invalid request payload. Refer to the REST API documentation and try again.');
  const { type, inwardIssue, outwardIssue, comment } = parsed.data;
  const issue = (ref: z.infer<typeof issueRef>, name: string): string => {
    const idOrKey = ref.id !== undefined ? String(ref.id) : ref.key;
    if (idOrKey === undefined || idOrKey === '') throw JiraError.badRequest(`The ${name} needs an id or a key.`);
    return idOrKey;
  };
  const typeRef = type.id !== undefined ? { id: String(type.id) } : type.name !== undefined && type.name !== '' ? { name: type.name } : undefined;
  if (typeRef === undefined) throw JiraError.badRequest('The issue link type needs an id or a name.');
  return { type: typeRef, inwardIssue: issue(inwardIssue, 'inwardIssue'), outwardIssue: issue(outwardIssue, 'outwardIssue'), ...(comment !== undefined ? { comment } : {}) };
}

/** the link type a request names; 404 as the spec says ("the issue link type is not found") */
export function findLinkType(links: IssueLinkStore, ref: LinkRequest['type']): IssueLinkTypeRecord {
  if ('id' in ref) {
    const t = /^\d+$/.test(ref.id) ? links.typeById(Number(ref.id)) : undefined;
    if (!t) throw JiraError.notFound(`No issue link type with id '${ref.id}' found.`);
    return t;
  }
  const t = links.typeByName(ref.name);
  if (!t) throw JiraError.notFound(`No issue link type with name '${ref.name}' found.`);
  return t;
}

/**
 * The `Link` changelog items a link's creation or deletion writes: one on each issue, seen from it
 * ("This issue blocks INT-2" on the inward issue, "This issue is blocked by INT-1" on the outward
 * one), the other issue's key in `to` (added) or `from` (removed). The REST pages do not show these
 * items; the wording is Jira's issue history's.
 */
export function linkChangeItems(type: IssueLinkTypeRecord, inward: IssueRecord, outward: IssueRecord, change: 'added' | 'removed'): { issue: IssueRecord; item: ChangeItem }[] {
  const item = (other: IssueRecord, description: string): ChangeItem => {
    const text = `This issue ${description} ${other.key}`;
    return change === 'added'
      ? { field: 'Link', fieldId: 'issuelinks', fieldtype: 'jira', from: null, fromString: null, to: other.key, toString: text }
      : { field: 'Link', fieldId: 'issuelinks', fieldtype: 'jira', from: other.key, fromString: text, to: null, toString: null };
  };
  return [{ issue: inward, item: item(outward, type.outward) }, { issue: outward, item: item(inward, type.inward) }];
}

/**
 * `avi:jira:created:issuelink` / `avi:jira:deleted:issuelink`: the link's `id`, `sourceIssueId` (the
 * request's inward issue), `destinationIssueId` (its outward issue), their projects and the
 * `issueLinkType`. The stored copy of the events page does not show the section's table; these are
 * the members apps report receiving. No `atlassianId`: as for the attachment events, the harsher
 * reading (`filter.ignoreSelf` cannot drop the app's own links), and no `issue`.
 */
export function issueLinkEvent(eventType: JiraIssueLinkProductEvent['eventType'], link: IssueLinkRecord, type: IssueLinkTypeRecord, inward: IssueRecord, outward: IssueRecord, at: number): JiraIssueLinkProductEvent {
  return {
    eventType, id: String(link.id), sourceIssueId: String(inward.id), destinationIssueId: String(outward.id),
    sourceProjectId: String(inward.projectId), destinationProjectId: String(outward.projectId),
    issueLinkType: { id: String(type.id), name: type.name, inward: type.inward, outward: type.outward },
    timestamp: new Date(at).toISOString(),
  };
}

/** Renders link types, links and an issue's `issuelinks` field. */
export class IssueLinkView {
  constructor(private readonly render: Renderer, private readonly catalog: Catalog, private readonly store: IssueStore, private readonly links: IssueLinkStore) {}

  /** IssueLinkType */
  linkType(t: IssueLinkTypeRecord): Json {
    return { id: String(t.id), name: t.name, inward: t.inward, outward: t.outward, self: `${this.render.api}/issueLinkType/${t.id}` };
  }

  /** LinkedIssue: `id`, `key`, `self` and the `Fields` Jira fills in (summary, status, priority, issuetype) */
  linkedIssue(i: IssueRecord): Json {
    return {
      id: String(i.id), key: i.key, self: `${this.render.api}/issue/${i.id}`,
      fields: {
        summary: i.summary, status: this.render.status(this.catalog.statusById(i.statusId)),
        ...(i.priorityId === null ? {} : { priority: this.render.priorityRef(this.catalog.priorityById(i.priorityId)) }),
        issuetype: this.render.issueType(this.catalog.issueTypeById(i.issueTypeId)),
      },
    };
  }

  /** IssueLink (GET /issueLink/{linkId}): both ends */
  link(l: IssueLinkRecord): Json | undefined {
    const type = this.links.typeById(l.typeId);
    const inward = this.store.issueById(l.inwardIssueId);
    const outward = this.store.issueById(l.outwardIssueId);
    if (!type || !inward || !outward) return undefined;
    return { id: String(l.id), self: `${this.render.api}/issueLink/${l.id}`, type: this.linkType(type), inwardIssue: this.linkedIssue(inward), outwardIssue: this.linkedIssue(outward) };
  }

  /**
   * The issue's `issuelinks` field: each link with its other end only, under the name that end has in
   * the link (`outwardIssue` on the inward issue, `inwardIssue` on the outward one), as the issue
   * linking model guide shows (`inwardIssue or outwardIssue: {key, …}`), oldest first.
   */
  issueLinks(issueId: number): Json[] {
    return this.links.ofIssue(issueId).flatMap((l) => {
      const type = this.links.typeById(l.typeId);
      const inwardEnd = l.inwardIssueId === issueId;
      const other = this.store.issueById(inwardEnd ? l.outwardIssueId : l.inwardIssueId);
      if (!type || !other) return [];
      return [{ id: String(l.id), self: `${this.render.api}/issueLink/${l.id}`, type: this.linkType(type), [inwardEnd ? 'outwardIssue' : 'inwardIssue']: this.linkedIssue(other) }];
    });
  }
}
