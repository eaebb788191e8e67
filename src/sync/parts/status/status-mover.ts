import { z } from 'zod';
import type { JiraPort, TransitionFields } from '../../../ports/jira';
import { JiraError } from '../../../ports/jira';
import type { StorePort } from '../../../ports/store';
import { hashOf } from '../../canonical-json';
import { PermanentError } from '../../errors';
import { refusedField } from '../fields/resolution';
import { keys } from '../../state/keys';
import { shortestPath, statusKey, stepTowardsUnexplored, type WorkflowGraph } from './status-path';

const GraphSchema = z.record(z.string(), z.array(z.strictObject({ transitionId: z.string(), to: z.string() })));
const GRAPH_TTL_SECONDS = 3600;
const MAX_STEPS = 20;

/** site-wide: not per connection (one site's workflows, whichever connection moved the issue) */
const graphKey = (projectKey: string, typeName: string) => keys.workflowGraph(hashOf([projectKey, typeName]));

/**
 * Moves an issue to a status by name, through several transitions when no direct one exists.
 * The workflow graph learned from each status's transitions is cached per project and issue type,
 * so a known path costs one call per transition. Unreachable → PermanentError naming both statuses.
 * `arrival`: the fields the last transition (the one into `target`) sets from its screen; when Jira
 * refuses one of them (a 400 naming it), that transition is made without them (`refused`).
 * Returns the number of transitions made.
 */
export async function moveToStatus(
  jira: JiraPort,
  store: StorePort,
  issue: { id: string; key: string; projectKey: string; typeName: string; status: string },
  target: string,
  arrival: TransitionFields = {},
): Promise<{ steps: number; refused: boolean }> {
  const cacheKey = graphKey(issue.projectKey, issue.typeName);
  const cached = GraphSchema.safeParse(await store.get(cacheKey));
  const graph: WorkflowGraph = cached.success ? cached.data : {};
  let current = issue.status;
  let steps = 0;
  let learned = false;
  let refreshed = false;
  let refused = false;
  while (statusKey(current) !== statusKey(target)) {
    if (steps >= MAX_STEPS) throw new PermanentError(`${issue.key}: gave up moving from "${issue.status}" to "${target}" after ${MAX_STEPS} transitions`);
    if (graph[statusKey(current)] === undefined) {
      await learn(jira, issue.id, current, graph);
      learned = true;
    }
    const step = shortestPath(graph, current, target)?.[0] ?? stepTowardsUnexplored(graph, current);
    if (!step) {
      if (!refreshed && cached.success) {
        // The cached workflow may be out of date: forget it and look again.
        for (const k of Object.keys(graph)) delete graph[k];
        refreshed = true;
        continue;
      }
      await store.set(cacheKey, graph, { ttlSeconds: GRAPH_TTL_SECONDS });
      const known = Object.keys(graph).join(', ');
      throw new PermanentError(`${issue.key}: status "${target}" cannot be reached from "${current}" in this issue's workflow (statuses reachable: ${known})`);
    }
    const last = statusKey(step.to) === statusKey(target);
    const fields = last && !refused && Object.keys(arrival).length > 0 ? arrival : null;
    try {
      if (fields) await jira.transitionIssue(issue.id, step.transitionId, fields);
      else await jira.transitionIssue(issue.id, step.transitionId);
    } catch (error) {
      if (fields && Object.keys(fields).some((f) => refusedField(error, f))) {
        // the transition's screen does not take them: the same transition without them
        refused = true;
        continue;
      }
      if (error instanceof JiraError && (error.status === 400 || error.status === 404) && !refreshed) {
        // A cached transition that no longer exists: relearn from the current status.
        delete graph[statusKey(current)];
        refreshed = true;
        continue;
      }
      throw error;
    }
    current = step.to;
    steps += 1;
  }
  if (learned || refreshed) await store.set(cacheKey, graph, { ttlSeconds: GRAPH_TTL_SECONDS });
  return { steps, refused };
}

async function learn(jira: JiraPort, issueId: string, status: string, graph: WorkflowGraph): Promise<void> {
  const transitions = await jira.getTransitions(issueId);
  graph[statusKey(status)] = transitions.map((t) => ({ transitionId: t.id, to: t.to.name }));
}
