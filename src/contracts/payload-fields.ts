import { z } from 'zod';
import { decodeInvitation } from '../sync/invitation-code';
import { StorageIdSchema } from '../sync/state/keys';

/*
 * Field schemas of resolver payloads, for what the engine's own schemas leave open: free text
 * (names, JQL), project keys, invitation codes. Ids that become storage key parts are
 * StorageIdSchema (src/sync/state/keys.ts); issue ids and keys are JiraIssueIdSchema and
 * JiraIssueKeySchema (src/sync/envelope/common.ts).
 */

/** No payload: `{}`; a field sent anyway is refused by its name (invalid-payload), never ignored. */
export const NoPayloadSchema = z.strictObject({});

// C0 and C1 control characters; the multi-line variant lets tabs and line breaks through
const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_WHITESPACE = /[^\P{Cc}\t\n\r]/u;

/** A name shown to people (a connection's): one line, 1 to 200 characters once trimmed. */
export const DisplayNameSchema = z.string().trim().min(1).max(200).refine((text) => !CONTROL.test(text), 'a name is one line of text without control characters');

/** A Jira project key (the part of an issue key before the dash, as in JiraIssueKeySchema). */
export const ProjectKeySchema = z.string().regex(/^[A-Z][A-Z0-9_]{0,99}$/, 'a Jira project key is an upper-case letter, then upper-case letters, digits or "_"');

/** A Jira field's name (Jira allows 255 characters). */
export const FieldNameSchema = z.string().min(1).max(255).refine((text) => !CONTROL.test(text), 'a field name is one line of text without control characters');

/**
 * Whether every parenthesis outside quoted text is closed, in order, and every quote ends. Twin
 * Sync puts a JQL filter inside conditions of its own (`(scope) AND (filter)`, `id = 1 AND
 * (scope)`): a filter such as `x) OR (y` would escape them and widen what is synced.
 */
export function balancedJql(jql: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < jql.length; i++) {
    const c = jql[i];
    if (quote !== null) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return false;
  }
  return depth === 0 && quote === null;
}

/** A JQL filter (Jira checks it as JQL where it is used): at most 2,000 characters, self-contained. */
export const JqlFilterSchema = z.string().max(2000)
  .refine((jql) => !CONTROL_BUT_WHITESPACE.test(jql), 'JQL has no control characters')
  .refine(balancedJql, 'a JQL filter closes every parenthesis and quote it opens');

/**
 * An invitation code as pasted. Text that is no invitation code at all passes here and is refused
 * by acceptInvitation (`invalid-code`, with advice); a code that decodes but names a connection id
 * that cannot be part of a storage key is a forgery, refused here before anything runs.
 */
export const InvitationCodeTextSchema = z.string().min(1).max(8000).refine((text) => {
  const code = decodeInvitation(text);
  return code === null || StorageIdSchema.safeParse(code.connectionId).success;
}, 'the invitation names a connection id that is not 1 to 120 letters, digits, ".", "_" or "-"');
