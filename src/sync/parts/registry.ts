import { attachmentsPart } from './attachments';
import { commentsPart } from './comments';
import { fieldsPart } from './fields';
import { linksPart } from './links';
import { statusPart } from './status';
import { planner, type PartPlanner } from './part';

/**
 * The synced parts the incoming path runs through part.ts's steps, in the order they are planned
 * (each sees the documents the earlier ones rewrote) and, within their phase, executed:
 * attachments first, so the documents later writes carry can name the copies they made; the
 * fields after the parts that rewrite documents (the description), the status after the fields,
 * the links last (the issues they join exist by then).
 */
export const PARTS: readonly PartPlanner[] = [
  planner(attachmentsPart),
  planner(commentsPart),
  planner(fieldsPart),
  planner(statusPart),
  planner(linksPart),
];
