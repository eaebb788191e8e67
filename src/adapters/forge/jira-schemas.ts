import { z } from 'zod';
import { AdfDocSchema } from '../../model/replica';

/** The parts of Jira Cloud REST v3 responses the engine depends on; everything else passes through. */
export const JiraUserSchema = z.looseObject({
  accountId: z.string(),
  displayName: z.string().optional(),
  emailAddress: z.string().optional(),
});

export const JiraCommentSchema = z.looseObject({
  id: z.string(),
  author: JiraUserSchema.nullish(),
  body: AdfDocSchema,
  created: z.string(),
  updated: z.string(),
});

export const JiraCommentPageSchema = z.looseObject({
  comments: z.array(JiraCommentSchema),
  total: z.number().int(),
  startAt: z.number().int().optional(),
  maxResults: z.number().int().optional(),
});

export const JiraIssueSchema = z.looseObject({
  id: z.string(),
  key: z.string(),
  /** asked for with `properties=twinSync.origin`: the app's mark on a twin it created */
  properties: z.looseObject({ 'twinSync.origin': z.looseObject({ connectionId: z.string() }).optional() }).optional(),
  fields: z.looseObject({
    summary: z.string().nullish(),
    description: AdfDocSchema.nullish(),
    issuetype: z.looseObject({ name: z.string() }),
    project: z.looseObject({ key: z.string() }),
    priority: z.looseObject({ name: z.string() }).nullish(),
    labels: z.array(z.string()).nullish(),
    status: z.looseObject({ name: z.string(), statusCategory: z.looseObject({ key: z.string() }).nullish() }),
    duedate: z.string().nullish(),
    assignee: JiraUserSchema.nullish(),
    reporter: JiraUserSchema.nullish(),
    comment: JiraCommentPageSchema.optional(),
    created: z.string(),
    updated: z.string(),
  }),
});
export type JiraIssue = z.infer<typeof JiraIssueSchema>;

export const SearchResultSchema = z.looseObject({
  issues: z.array(JiraIssueSchema),
});

export const SearchRefsSchema = z.looseObject({
  issues: z.array(z.looseObject({ id: z.string(), key: z.string().optional() })),
});

export const SearchPageSchema = z.looseObject({
  issues: z.array(z.looseObject({ id: z.string() })),
  nextPageToken: z.string().nullish(),
});

/** a page of POST /search/jql with fields [updated] and properties [twinSync.origin] */
export const ChangedPageSchema = z.looseObject({
  issues: z.array(z.looseObject({
    id: z.string(),
    fields: z.looseObject({ updated: z.string() }),
    properties: z.looseObject({ 'twinSync.origin': z.looseObject({ connectionId: z.string() }).optional() }).optional(),
  })),
  nextPageToken: z.string().nullish(),
});

export const CreatedIssueSchema = z.looseObject({ id: z.string(), key: z.string() });

export const TransitionsSchema = z.looseObject({
  transitions: z.array(z.looseObject({
    id: z.string(),
    name: z.string(),
    to: z.looseObject({ name: z.string(), statusCategory: z.looseObject({ key: z.string() }).nullish() }),
  })),
});

export const FieldListSchema = z.array(z.looseObject({ id: z.string(), name: z.string(), custom: z.boolean().optional(), schema: z.looseObject({ type: z.string().optional() }).optional() }));
export const ProjectListSchema = z.array(z.looseObject({ id: z.string(), key: z.string() }));
export const ProjectSchema = z.looseObject({ key: z.string(), issueTypes: z.array(z.looseObject({ id: z.string(), name: z.string(), subtask: z.boolean().optional() })).optional() });
export const PriorityListSchema = z.array(z.looseObject({ id: z.string(), name: z.string() }));
export const StatusListSchema = z.array(z.looseObject({ id: z.string(), name: z.string(), statusCategory: z.looseObject({ key: z.string() }).optional() }));
export const ServerInfoSchema = z.looseObject({ baseUrl: z.string(), serverTitle: z.string().optional() });
export const JiraErrorBodySchema = z.looseObject({ errorMessages: z.array(z.string()).optional(), errors: z.record(z.string(), z.string()).optional() });
