import { z } from 'zod';

/**
 * A twin group's name (three or more sites, src/sync/groups.ts): where its first issue is, the
 * site's cloud id and the issue's id there.
 */
export const GroupRefSchema = z.strictObject({
  cloudId: z.string().min(1).max(100),
  issueId: z.string().regex(/^[0-9]{1,18}$/, 'a Jira issue id is a decimal number'),
});
export type GroupRef = z.infer<typeof GroupRefSchema>;
