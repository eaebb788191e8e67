import { z } from 'zod';
import { adfDocument, jiraTimestamp } from './field-shapes';

/**
 * Parsers for reading values out of responses in tests (the spec check runs separately and first).
 * Loose on members the tests do not read.
 */

export const createdIssue = z.object({ id: z.string().regex(/^\d+$/), key: z.string().regex(/^[A-Z][A-Z0-9_]+-\d+$/), self: z.url() });

export const createdIssues = z.object({
  issues: z.array(createdIssue),
  errors: z.array(z.object({ status: z.number().int(), failedElementNumber: z.number().int(), elementErrors: z.object({ errors: z.record(z.string(), z.string()).optional(), errorMessages: z.array(z.string()).optional() }) })),
});

export const issueBean = z.object({
  id: z.string(),
  key: z.string(),
  self: z.url(),
  fields: z.record(z.string(), z.unknown()),
  names: z.record(z.string(), z.string()).optional(),
  renderedFields: z.record(z.string(), z.unknown()).optional(),
  changelog: z
    .object({
      startAt: z.number().int(),
      maxResults: z.number().int(),
      total: z.number().int(),
      histories: z.array(
        z.object({
          id: z.string(),
          created: jiraTimestamp,
          items: z.array(z.object({ field: z.string(), fromString: z.string().nullable(), toString: z.string().nullable() })),
        }),
      ),
    })
    .optional(),
});

export const errorCollection = z.object({ errorMessages: z.array(z.string()), errors: z.record(z.string(), z.string()) });

export const transitions = z.object({
  transitions: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      to: z.object({ id: z.string(), name: z.string(), statusCategory: z.object({ key: z.string() }) }),
    }),
  ),
});

export const comment = z.object({ id: z.string(), self: z.url(), body: adfDocument, created: jiraTimestamp, updated: jiraTimestamp, author: z.object({ accountId: z.string() }) });

export const commentPage = z.object({ startAt: z.number().int(), maxResults: z.number().int(), total: z.number().int(), comments: z.array(comment) });

export const propertyKeys = z.object({ keys: z.array(z.object({ key: z.string(), self: z.url() })) });

export const entityProperty = z.object({ key: z.string(), value: z.unknown() });

export const fieldDetails = z.object({
  id: z.string(),
  name: z.string(),
  custom: z.boolean(),
  clauseNames: z.array(z.string()).optional(),
  schema: z.object({ type: z.string(), custom: z.string().optional(), customId: z.number().int().optional(), system: z.string().optional() }).optional(),
});

/** `Field` (the items of /field/search): id, name and schema are required; no `custom` flag */
export const searchedField = z.object({ id: z.string(), name: z.string(), schema: z.object({ type: z.string(), custom: z.string().optional() }) });

export const fieldPage = z.object({ values: z.array(searchedField), total: z.number().int(), startAt: z.number().int(), maxResults: z.number().int(), isLast: z.boolean() });

export const issueType = z.object({ id: z.string(), name: z.string(), subtask: z.boolean(), hierarchyLevel: z.number().int().optional() });

export const project = z.object({ id: z.string(), key: z.string(), name: z.string() });

export const projectPage = z.object({ values: z.array(project), total: z.number().int(), startAt: z.number().int(), maxResults: z.number().int(), isLast: z.boolean() });

export const priority = z.object({ id: z.string(), name: z.string() });

export const status = z.object({ id: z.string(), name: z.string(), statusCategory: z.object({ key: z.string() }) });

export const user = z.object({ accountId: z.string(), accountType: z.string(), emailAddress: z.string().optional(), displayName: z.string(), active: z.boolean() });

export const createMetaIssueTypes = z.object({ issueTypes: z.array(issueType), startAt: z.number().int(), maxResults: z.number().int(), total: z.number().int() });

export const searchResults = z.object({
  issues: z.array(z.object({ id: z.string(), key: z.string().optional(), fields: z.record(z.string(), z.unknown()).optional() })),
  nextPageToken: z.string().optional(),
  isLast: z.boolean().optional(),
});
