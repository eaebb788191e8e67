import type { AdfDoc } from '../../model/replica';
import type { LocalIssue } from '../../ports/jira';
import type { RulesIssue, RulesMetadata } from '../../ports/rules';
import type { EngineDeps } from '../deps';
import type { ReplicaMessage } from '../envelope/replica-message';
import type { CommentLink, Connection, LinkState } from '../state/records';
import type { FieldsPlan } from './fields';

/**
 * One kind of synced part of an issue (fields, status, comments, attachments: src/sync/parts/<name>/),
 * behind one interface, run by the incoming path in the same steps for every part:
 *
 *   prepare (reads)  →  plan (pure)  →  execute (writes to Jira)  →  after / commit (the issue and
 *   the link state as they are now)
 *
 * Every part is planned before anything is written. A part that names things other parts'
 * documents refer to (an attachment's media id in a description or a comment) rewrites those
 * documents into local terms (`rewrite`, before the later parts plan) and settles what its
 * execution made (`settle`, before they write). What a replica carries of a part is built by the
 * outgoing rules; what only the engine knows is added on the way out (attachments/outgoing.ts).
 * A new part is a new folder exporting a `SyncedPart` and one line in registry.ts.
 */
export interface PartContext {
  deps: EngineDeps;
  connection: Connection;
  message: ReplicaMessage;
  /** the local issue the apply works on (the new twin, just created, on a first sync) */
  local: LocalIssue;
  link: LinkState;
  /** what the incoming rules want the issue to be (its documents rewritten by the parts planned so far) */
  desired: RulesIssue;
  /** a new twin, or an existing issue paired with the remote's (a merge without a base) */
  pairing: { firstSync: boolean; paired: boolean };
  /** the site's statuses (names and categories), for what a status move leads to */
  statuses: { name: string; category: string }[];
  /** this site's metadata as the rules saw it (custom fields with their options, link types) */
  metadata: RulesMetadata;
  /**
   * The fields (field-value names) whose desired value is not the remote's because this site could
   * not hold it (a person, an option, a component it lacks, a mention written as text): not a newer
   * value than the one it replaces, so the remote does not take it over its own.
   */
  held: ReadonlySet<string>;
  /**
   * The three-way merge of the field values (the status's value among them), made once, when a
   * part first asks: after the parts before it rewrote the documents (the fields part).
   */
  values(): FieldsPlan;
  /**
   * What the execution made that the link does not record yet, kept by the apply when it fails
   * half way (a 429 after 100 comment copies), so the retry does not make them again.
   */
  journal: { commentCopies: CommentLink[] };
}

/**
 * When a part's writes go: before the fields (what the fields and comments name must exist), with
 * the fields (the update, then the status move), or after them.
 */
export type PartPhase = 'before-fields' | 'fields' | 'after-fields';

/** rewrites an ADF document's references to this part's objects: the issue's description, or a comment's body */
export type DocRewrite = (doc: AdfDoc | null, where: 'description' | 'comment') => AdfDoc | null;

export interface PartOutcome {
  /** Jira writes made */
  writes: number;
  /** objects copied here: the remote must learn their ids (a follow-up is sent) */
  copied: number;
  /** something of ours the remote does not have yet, or of theirs we do not (the sweeper must not take the issue as seen) */
  unsent: boolean;
  /** one line each, for the activity entry and the issue's warnings */
  notes: string[];
  /** conflicts the part decided, one line each */
  conflicts: string[];
  /** this apply wrote something the remote does not have (a kept image): our state is sent back at once */
  tell?: boolean;
}

export interface SyncedPart<Prepared, Plan, Done extends { writes: number }> {
  readonly name: string;
  readonly phase: PartPhase;
  /** what the plan needs that the issue and the link do not say (settings, ids read from Jira) */
  prepare(ctx: PartContext): Promise<Prepared>;
  /** pure */
  plan(ctx: PartContext, prepared: Prepared): Plan;
  /** how the documents the other parts write must name this part's objects here */
  rewrite(plan: Plan): DocRewrite;
  /**
   * What this part keeps in a document the apply writes here, whatever the merge took from there
   * (attachments: the images of files that started here). Not part of the remote's values: the
   * remote hears of it at once (PartOutcome.tell).
   */
  protect(plan: Plan): DocRewrite;
  /** the plan's own documents with an earlier part's settled references (in place) */
  resettle(plan: Plan, settle: DocRewrite): void;
  /** Jira writes the plan makes (an inline apply has a budget) */
  writes(plan: Plan): number;
  /** the plan needs more than a web trigger's 55 s can promise (a file to fetch): left to the queue's consumer */
  longRunning(plan: Plan): boolean;
  /** the plan must start from the issue as Jira has it now, not from a snapshot (a workflow walk) */
  needsCurrentIssue(plan: Plan): boolean;
  execute(ctx: PartContext, plan: Plan): Promise<Done>;
  /** the documents' references to what the execution made, final */
  settle(plan: Plan, done: Done): DocRewrite;
  /**
   * The local issue after the execution, as far as this part goes (in place); false when what Jira
   * made of a write is not known exactly (the next sync reads the issue).
   */
  after(issue: LocalIssue, plan: Plan, done: Done, statuses: PartContext['statuses']): boolean;
  /** the link's state of this part after the execution (in place), and what it did; `after` is the issue now, as far as known */
  commit(link: LinkState, plan: Plan, done: Done, after: LocalIssue, message: ReplicaMessage): PartOutcome;
}

/** A part prepared and planned for one apply, its types closed over: what the incoming path holds. */
export interface PlannedPart {
  name: string;
  phase: PartPhase;
  rewrite: DocRewrite;
  protect: DocRewrite;
  resettle(settle: DocRewrite): void;
  writes: number;
  longRunning: boolean;
  needsCurrentIssue: boolean;
  execute(): Promise<ExecutedPart>;
}

export interface ExecutedPart {
  writes: number;
  settle: DocRewrite;
  after(issue: LocalIssue): boolean;
  commit(link: LinkState, after: LocalIssue): PartOutcome;
}

/** the registry's element: prepares and plans its part for an apply */
export type PartPlanner = (ctx: PartContext) => Promise<PlannedPart>;

export function planner<Prepared, Plan, Done extends { writes: number }>(part: SyncedPart<Prepared, Plan, Done>): PartPlanner {
  return async (ctx) => {
    const plan = part.plan(ctx, await part.prepare(ctx));
    return {
      name: part.name,
      phase: part.phase,
      rewrite: part.rewrite(plan),
      protect: part.protect(plan),
      resettle: (settle) => part.resettle(plan, settle),
      writes: part.writes(plan),
      longRunning: part.longRunning(plan),
      needsCurrentIssue: part.needsCurrentIssue(plan),
      execute: async () => {
        const done = await part.execute(ctx, plan);
        return {
          writes: done.writes,
          settle: part.settle(plan, done),
          after: (issue) => part.after(issue, plan, done, ctx.statuses),
          commit: (link, after) => part.commit(link, plan, done, after, ctx.message),
        };
      },
    };
  };
}
