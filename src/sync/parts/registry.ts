import { attachmentsPart } from './attachments';
import { commentsPart } from './comments';
import { planner, type PartPlanner } from './part';

/**
 * The synced parts the incoming path runs through part.ts's steps, in the order they are planned
 * (each sees the documents the earlier ones rewrote) and, within their phase, executed:
 * attachments first, so the documents later writes carry can name the copies they made.
 */
export const PARTS: readonly PartPlanner[] = [
  planner(attachmentsPart),
  planner(commentsPart),
];
