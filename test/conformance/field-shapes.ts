import { z } from 'zod';
import type { JiraOpenApi } from '../support/openapi';

/**
 * Shapes the OpenAPI description leaves free: `IssueBean.fields` is `additionalProperties: {}`, so
 * the system fields Jira returns there (status, issuetype, project, priority, description, comment,
 * labels, timestamps, custom fields) are checked here, as Jira Cloud returns them. Each system field
 * is checked twice: against the spec's component for that entity (types, no unknown properties) and
 * with zod for the members Jira always fills in (the components mark nothing as required).
 */

/** Jira's timestamp form: 2024-05-01T10:00:00.000+0000 */
export const jiraTimestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$/, 'a Jira timestamp like 2024-05-01T10:00:00.000+0000');

export const statusCategoryShape = z.object({
  self: z.url(),
  id: z.number().int(),
  key: z.enum(['new', 'indeterminate', 'done', 'undefined']),
  colorName: z.string().min(1),
  name: z.string().min(1),
});

export const statusShape = z.object({
  self: z.url(),
  id: z.string().regex(/^\d+$/),
  name: z.string().min(1),
  statusCategory: statusCategoryShape,
});

export const issueTypeShape = z.object({
  self: z.url(),
  id: z.string().regex(/^\d+$/),
  name: z.string().min(1),
  subtask: z.boolean(),
});

export const projectShape = z.object({
  self: z.url(),
  id: z.string().regex(/^\d+$/),
  key: z.string().regex(/^[A-Z][A-Z0-9_]+$/),
  name: z.string().min(1),
});

export const priorityShape = z.object({
  self: z.url(),
  id: z.string().regex(/^\d+$/),
  name: z.string().min(1),
});

export const userShape = z.object({
  accountId: z.string().min(1),
  accountType: z.enum(['atlassian', 'app', 'customer', 'unknown']),
  displayName: z.string().min(1),
  active: z.boolean(),
});

interface AdfNode {
  type: string;
  content?: AdfNode[] | undefined;
  text?: string | undefined;
  attrs?: Record<string, unknown> | undefined;
  marks?: { type: string; attrs?: Record<string, unknown> | undefined }[] | undefined;
}

export const adfNode: z.ZodType<AdfNode> = z.lazy(() =>
  z.object({
    type: z.string().min(1),
    content: z.array(adfNode).optional(),
    text: z.string().optional(),
    attrs: z.record(z.string(), z.unknown()).optional(),
    marks: z.array(z.object({ type: z.string().min(1), attrs: z.record(z.string(), z.unknown()).optional() })).optional(),
  }),
);

/** An Atlassian Document Format document (the v3 API's rich text) */
export const adfDocument = z.object({ type: z.literal('doc'), version: z.literal(1), content: z.array(adfNode) });

export const commentShape = z.object({
  self: z.url(),
  id: z.string().regex(/^\d+$/),
  author: userShape,
  body: adfDocument,
  created: jiraTimestamp,
  updated: jiraTimestamp,
});

/** `fields.comment` of an issue: a comment page */
export const commentPageShape = z.object({
  comments: z.array(commentShape),
  startAt: z.number().int().min(0),
  maxResults: z.number().int().min(0),
  total: z.number().int().min(0),
});

export const errorCollectionShape = z.strictObject({
  errorMessages: z.array(z.string()),
  errors: z.record(z.string(), z.string()),
  status: z.number().int().optional(),
});

/** the system fields of IssueBean.fields, with the spec component each one has */
const systemFields: Record<string, { shape: z.ZodType; component: string | null }> = {
  status: { shape: statusShape, component: 'StatusDetails' },
  issuetype: { shape: issueTypeShape, component: 'IssueTypeDetails' },
  project: { shape: projectShape, component: 'ProjectDetails' },
  priority: { shape: priorityShape, component: 'Priority' },
  reporter: { shape: userShape.nullable(), component: 'UserDetails' },
  assignee: { shape: userShape.nullable(), component: 'UserDetails' },
  creator: { shape: userShape.nullable(), component: 'UserDetails' },
  description: { shape: adfDocument.nullable(), component: null },
  comment: { shape: commentPageShape, component: 'PageOfComments' },
  labels: { shape: z.array(z.string()), component: null },
  summary: { shape: z.string(), component: null },
  created: { shape: jiraTimestamp, component: null },
  updated: { shape: jiraTimestamp, component: null },
};

/**
 * Problems with the fields an issue returned (empty when all is well). Only the fields present are
 * checked; which fields must be present is each test's business. `customfield_*` values must be
 * JSON values a text field can hold (a string or null) unless `customFieldShapes` says otherwise.
 */
export function fieldProblems(spec: JiraOpenApi, fields: Record<string, unknown>, customFieldShapes: Record<string, z.ZodType> = {}): string[] {
  const problems: string[] = [];
  for (const [id, value] of Object.entries(fields)) {
    const known = systemFields[id];
    if (known !== undefined) {
      const parsed = known.shape.safeParse(value);
      if (!parsed.success) problems.push(`fields.${id}: ${z.prettifyError(parsed.error)}`);
      if (known.component !== null && value !== null) {
        for (const error of spec.validateComponent(known.component, value)) problems.push(`fields.${id} (spec ${known.component}): ${error}`);
      }
      continue;
    }
    if (id.startsWith('customfield_')) {
      if (!/^customfield_\d+$/.test(id)) problems.push(`${id}: custom field ids are customfield_<number>`);
      const shape = customFieldShapes[id] ?? z.string().nullable();
      const parsed = shape.safeParse(value);
      if (!parsed.success) problems.push(`fields.${id}: ${z.prettifyError(parsed.error)}`);
    }
  }
  return problems;
}
