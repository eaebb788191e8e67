/**
 * Paths through a workflow. The graph is learned from the transitions Jira lists for an issue in
 * each status (Jira offers no cheaper read of a workflow to an app without admin scopes).
 */
export interface WorkflowEdge {
  transitionId: string;
  to: string;
}

/** status name (lower case) → outgoing edges; a status absent from the map is unexplored */
export type WorkflowGraph = Record<string, WorkflowEdge[]>;

export const statusKey = (name: string): string => name.trim().toLowerCase();

/** Shortest path of transitions from `from` to `to` in the known graph, [] when equal, null when none is known. */
export function shortestPath(graph: WorkflowGraph, from: string, to: string): WorkflowEdge[] | null {
  const start = statusKey(from);
  const goal = statusKey(to);
  if (start === goal) return [];
  const previous = new Map<string, { from: string; edge: WorkflowEdge }>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const edge of graph[node] ?? []) {
      const next = statusKey(edge.to);
      if (seen.has(next)) continue;
      seen.add(next);
      previous.set(next, { from: node, edge });
      if (next === goal) {
        const path: WorkflowEdge[] = [];
        let cursor = goal;
        while (cursor !== start) {
          const step = previous.get(cursor);
          if (!step) break;
          path.unshift(step.edge);
          cursor = step.from;
        }
        return path;
      }
      queue.push(next);
    }
  }
  return null;
}

/**
 * When no path is known: the first step towards the nearest reachable status whose transitions
 * are still unknown, or null when every reachable status has been explored (the target is unreachable).
 */
export function stepTowardsUnexplored(graph: WorkflowGraph, from: string): WorkflowEdge | null {
  const start = statusKey(from);
  const firstStep = new Map<string, WorkflowEdge | null>([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    if (graph[node] === undefined) return firstStep.get(node) ?? null;
    for (const edge of graph[node]) {
      const next = statusKey(edge.to);
      if (firstStep.has(next)) continue;
      firstStep.set(next, firstStep.get(node) ?? edge);
      queue.push(next);
    }
  }
  return null;
}
