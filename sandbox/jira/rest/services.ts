import type { AttachmentSettingsStore } from '../attachments';
import type { IssueIndex } from '../issue-index';
import type { IssueService } from '../issue-service';
import type { IssueView } from '../issue-view';
import type { CompiledJql, JqlContext } from '../jql/types';
import type { MediaTokens } from '../media';
import type { Renderer } from '../render';
import type { Accounts } from '../storage/accounts';
import type { AttachmentStore } from '../storage/attachment-store';
import type { Catalog } from '../storage/catalog';
import type { Db } from '../storage/db';
import type { IssueStore } from '../storage/issue-store';
import type { IssueLinkView } from '../issue-links';
import type { ProjectPartsView } from '../project-parts';
import type { IssueLinkStore } from '../storage/link-store';
import type { ProjectPartsStore } from '../storage/project-parts-store';

/** What the REST route modules work with. */
export interface Services {
  siteName: string;
  /** the site admin's account id (global ADMINISTER) */
  adminAccountId: string;
  baseUrl(): string;
  now(): number;
  db: Db;
  catalog: Catalog;
  accounts: Accounts;
  store: IssueStore;
  index: IssueIndex;
  issues: IssueService;
  view: IssueView;
  render: Renderer;
  attachments: AttachmentStore;
  attachmentSettings: AttachmentSettingsStore;
  media: MediaTokens;
  /** issue link types and links (rest/link-routes.ts) */
  links: IssueLinkStore;
  linkView: IssueLinkView;
  /** project components and versions (rest/component-routes.ts, rest/version-routes.ts) */
  parts: ProjectPartsStore;
  partsView: ProjectPartsView;
  compileJql(jql: string, ctx: JqlContext): CompiledJql;
}

/** a non-negative integer query parameter, or the default */
export function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

/** every value of a repeatable query parameter */
export function listParam(query: URLSearchParams, name: string): string[] {
  return query.getAll(name);
}
