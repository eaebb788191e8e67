import { z } from 'zod';
import type { AdfDoc, UserRef } from '../../../model/replica';

/**
 * Who wrote a copied comment, and where (issue 12): a copy of a remote comment starts with one
 * line, "Ana Silva on external wrote:", in italics. Jira Cloud lets an app post a comment only as
 * itself, so without it every copy would read as written by the app.
 *
 * The line is the receiving site's: it never travels. A replica carries copies without it
 * (`withoutAttribution`, applied by the engine after the outgoing rules), and comment bodies are
 * compared without it (`bodyHash` in comment-merge.ts), so the original and its copy are the same
 * comment to the three-way merge, and the line is not copied back into the original.
 */

const WROTE = ' wrote:';
const MAX_PART = 200;

/** the attribution line for a comment by `author` on site `siteName` */
export function attributionLine(author: UserRef | null, siteName: string): string {
  const who = (author?.displayName ?? '').trim().slice(0, MAX_PART) || 'Someone';
  const where = siteName.trim().slice(0, MAX_PART) || 'the other site';
  return `${who} on ${where}${WROTE}`;
}

/** exactly the paragraph `withAttribution` writes: one italic text ending in " wrote:" */
const AttributionNodeSchema = z.strictObject({
  type: z.literal('paragraph'),
  content: z.tuple([z.strictObject({
    type: z.literal('text'),
    text: z.string().max(2 * MAX_PART + 20).refine((t) => t.endsWith(WROTE) && t.includes(' on ')),
    marks: z.tuple([z.strictObject({ type: z.literal('em') })]),
  })]),
});

function isAttributionNode(node: unknown): boolean {
  return AttributionNodeSchema.safeParse(node).success;
}

/** the body with the attribution line first (replacing one already there) */
export function withAttribution(body: AdfDoc, author: UserRef | null, siteName: string): AdfDoc {
  const line = { type: 'paragraph', content: [{ type: 'text', text: attributionLine(author, siteName), marks: [{ type: 'em' }] }] };
  return { ...body, content: [line, ...withoutAttribution(body).content] };
}

/** the body without its attribution line, when it starts with one */
export function withoutAttribution(body: AdfDoc): AdfDoc {
  const [first, ...rest] = body.content;
  return first !== undefined && isAttributionNode(first) ? { ...body, content: rest } : body;
}
