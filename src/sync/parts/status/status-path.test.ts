import { shortestPath, stepTowardsUnexplored, type WorkflowGraph } from './status-path';

const e = (transitionId: string, to: string) => ({ transitionId, to });
// Open → In Progress → Review → Done; Done → Open; Blocked is an island
const chain: WorkflowGraph = {
  open: [e('11', 'In Progress')],
  'in progress': [e('21', 'Review'), e('22', 'Open')],
  review: [e('31', 'Done')],
  done: [e('41', 'Open')],
  blocked: [],
};

describe('shortestPath', () => {
  it.each([
    ['same status', 'Open', 'open', []],
    ['direct transition', 'Open', 'In Progress', ['11']],
    ['several transitions', 'Open', 'Done', ['11', '21', '31']],
    ['around the loop', 'Done', 'Review', ['41', '11', '21']],
    ['unreachable', 'Open', 'Blocked', null],
    ['unknown status', 'Open', 'Nowhere', null],
  ])('%s: %s → %s', (_name, from, to, ids) => {
    const path = shortestPath(chain, from, to);
    expect(path === null ? null : path.map((p) => p.transitionId)).toEqual(ids);
  });
});

describe('stepTowardsUnexplored', () => {
  it.each<[string, WorkflowGraph, string, string | null]>([
    ['everything explored', chain, 'Open', null],
    ['the current status is unexplored', { open: [e('1', 'X')] }, 'X', null],
    ['one step to an unexplored status', { open: [e('1', 'X')] }, 'Open', '1'],
    ['first step of a longer way', { open: [e('1', 'A')], a: [e('2', 'B')] }, 'Open', '1'],
  ])('%s', (_name, graph, from, id) => {
    expect(stepTowardsUnexplored(graph, from)?.transitionId ?? null).toBe(id);
  });
});
