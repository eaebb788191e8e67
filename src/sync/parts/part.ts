import type { AdfDoc } from '../../model/replica';
import type { LocalIssue } from '../../ports/jira';
import type { RulesIssue } from '../../ports/rules';
import type { EngineDeps } from '../deps';
import type { ReplicaMessage } from '../envelope/replica-message';
import type { CommentLink, Connection, LinkState } from '../state/records';

/**
 * One kind of synced part of an issue (attachments, ...: src/sync/parts/<name>/), behind one
 * interface, run by the incoming path in the same four steps for every part:
 *
 *   prepare (reads)  →  plan (pure)  →  execute (writes to Jira)  →  commit (its link state)
 *
 * A part that names things other parts' documents refer to (an attachment's media id in a
 * description or a comment) rewrites those documents into local terms (`rewrite`, before the other
 * parts plan) and settles what its execution made (`settle`, before they write).
 * A new part is a new folder exporting a `SyncedPart` and one line in registry.ts.
 */
export interface PartContext {
  deps: EngineDeps;
  connection: Connection;
  message: ReplicaMessage;
  /** the local issue the apply works on (the new twin, just created, on a first sync) */
  local: LocalIssue;
  link: LinkState;
  /** what the incoming rules want the issue to be */
  desired: RulesIssue;
  /**
   * What the execution made that the link does not record yet, kept by the apply when it fails
   * half way (a 429 after 100 comment copies), so the retry does not make them again.
   */
  journal: { commentCopies: CommentLink[] };
}

/** when a part's writes go: before the fields and the status (what they name must exist), or after */
export type PartPhase = 'before-fields' | 'after-fields';

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
}

export interface SyncedPart<Prepared, Plan, Done> {
  readonly name: string;
  readonly phase: PartPhase;
  /** what the plan needs that the issue and the link do not say (settings, ids read from Jira) */
  prepare(ctx: PartContext): Promise<Prepared>;
  /** pure */
  plan(ctx: PartContext, prepared: Prepared): Plan;
  /** how the documents the other parts write must name this part's objects here */
  rewrite(plan: Plan): DocRewrite;
  /** the plan's own documents with an earlier part's settled references (in place) */
  resettle(plan: Plan, settle: DocRewrite): void;
  /** Jira writes the plan makes (an inline apply has a budget) */
  writes(plan: Plan): number;
  /** the plan needs more than a web trigger's 55 s can promise (a file to fetch): left to the queue's consumer */
  longRunning(plan: Plan): boolean;
  execute(ctx: PartContext, plan: Plan): Promise<Done>;
  /** the documents' references to what the execution made, final */
  settle(plan: Plan, done: Done): DocRewrite;
  /** the link's state of this part after the execution (in place), and what it did */
  commit(link: LinkState, plan: Plan, done: Done, local: LocalIssue): PartOutcome;
  /** the local issue after the execution, as far as this part goes (in place) */
  after(issue: LocalIssue, done: Done): void;
}

/** A part prepared and planned for one apply, its types closed over: what the incoming path holds. */
export interface PlannedPart {
  name: string;
  phase: PartPhase;
  resettle(settle: DocRewrite): void;
  rewrite: DocRewrite;
  writes: number;
  longRunning: boolean;
  execute(): Promise<ExecutedPart>;
}

export interface ExecutedPart {
  settle: DocRewrite;
  commit(link: LinkState, local: LocalIssue): PartOutcome;
  after(issue: LocalIssue): void;
}

/** the registry's element: prepares and plans its part for an apply */
export type PartPlanner = (ctx: PartContext) => Promise<PlannedPart>;

export function planner<Prepared, Plan, Done>(part: SyncedPart<Prepared, Plan, Done>): PartPlanner {
  return async (ctx) => {
    const plan = part.plan(ctx, await part.prepare(ctx));
    return {
      name: part.name,
      phase: part.phase,
      resettle: (settle) => part.resettle(plan, settle),
      rewrite: part.rewrite(plan),
      writes: part.writes(plan),
      longRunning: part.longRunning(plan),
      execute: async () => {
        const done = await part.execute(ctx, plan);
        return {
          settle: part.settle(plan, done),
          commit: (link, local) => part.commit(link, plan, done, local),
          after: (issue) => part.after(issue, done),
        };
      },
    };
  };
}
