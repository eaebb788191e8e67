import type { IncomingRulesInput, RulesIssue, RulesMetadata } from '../../ports/rules';
import type { Replica } from '../../model/replica';
import type { DefaultRulesConfig } from '../../sync/state/records';
import { DefaultRules } from './default-rules';

const doc = (text: string) => ({ type: 'doc' as const, version: 1 as const, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });
const metadata: RulesMetadata = {
  issueTypes: { CLOUD: [{ id: '1', name: 'Task', subtask: false }, { id: '2', name: 'Bug', subtask: false }], OTHER: [{ id: '9', name: 'Task', subtask: false }] },
  priorities: [{ id: '1', name: 'High' }, { id: '2', name: 'Medium' }],
  statuses: [{ id: '1', name: 'Open', category: 'new' }, { id: '2', name: 'In Progress', category: 'indeterminate' }],
  users: [{ accountId: 'local-ann', displayName: 'Ann', email: 'ann@example.com' }],
  customFields: [{ id: 'customfield_1', name: 'Remote issue key' }, { id: 'customfield_2', name: 'Team' }],
};
function replica(over: Partial<Replica> = {}): Replica {
  return {
    key: 'INT-1', id: '100', projectKey: 'INT', summary: 'S', description: doc('D'), type: { name: 'Bug' }, priority: { name: 'High' }, labels: ['a'],
    status: { name: 'In Progress', category: null }, dueDate: '2026-12-24', assignee: { accountId: 'remote-ann', displayName: 'Ann', email: 'ann@example.com' },
    reporter: null, comments: [], customFields: { team: { value: 'red' }, 'Remote issue key': { value: 'X-9' }, Unknown: { value: 1 } },
    created: '2026-01-01T00:00:00.000Z', updated: '2026-01-01T00:00:00.000Z', ...over,
  };
}
function blank(): RulesIssue {
  return { key: null, id: null, projectKey: null, summary: '', description: null, typeName: null, priority: null, labels: [], status: null, dueDate: null, assignee: null, reporter: null, comments: [], customFields: {} };
}
function input(over: Partial<IncomingRulesInput> = {}): IncomingRulesInput {
  return {
    replica: replica(), issue: blank(), previous: null, firstSync: true, syncBackMessage: false, metadata,
    connection: { id: 'c', name: 'c', remoteSiteName: 'r', remoteBaseUrl: null, direction: 'both' }, ...over,
  };
}
const config = (over: Partial<DefaultRulesConfig> = {}): DefaultRulesConfig => ({ targetProjectKey: null, syncBackOnFirstSync: true, remoteKeyField: 'Remote issue key', ...over });

describe('default rules, incoming', () => {
  it.each<[string, Partial<DefaultRulesConfig>, Partial<IncomingRulesInput>, Partial<RulesIssue>, boolean]>([
    ['external-style first sync: project CLOUD, same type, sync back', { targetProjectKey: 'CLOUD' }, {}, { projectKey: 'CLOUD', typeName: 'Bug' }, true],
    ['type missing in the project → Task', { targetProjectKey: 'OTHER' }, {}, { projectKey: 'OTHER', typeName: 'Task' }, true],
    ['no target: the first project when the remote project does not exist here', {}, {}, { projectKey: 'CLOUD' }, true],
    ['no sync back when not configured', { syncBackOnFirstSync: false }, {}, { projectKey: 'CLOUD' }, false],
    ['no sync back after the first sync', {}, { firstSync: false, issue: { ...blank(), projectKey: 'CLOUD', typeName: 'Task' } }, { projectKey: 'CLOUD', typeName: 'Task' }, false],
    ['fields copied, names matched case-insensitively, unknown custom fields dropped', {}, {}, {
      summary: 'S', description: doc('D'), priority: 'High', labels: ['a'], status: 'In Progress', dueDate: '2026-12-24',
      assignee: { accountId: 'local-ann', displayName: 'Ann', email: 'ann@example.com' }, customFields: { Team: { value: 'red' }, 'Remote issue key': { value: 'INT-1' } },
    }, true],
    ['internal-style: remote key written, nothing else about it', { remoteKeyField: 'remote ISSUE key' }, {}, { customFields: { Team: { value: 'red' }, 'Remote issue key': { value: 'INT-1' } } }, true],
    ['no remote key field', { remoteKeyField: null }, {}, { customFields: { Team: { value: 'red' } } }, true],
  ])('%s', async (_name, cfg, over, expected, syncBack) => {
    const result = await new DefaultRules(config(cfg)).incoming(input(over));
    expect(result.desired).toMatchObject(expected);
    expect(result.syncBack).toBe(syncBack);
  });

  it.each<[string, Partial<Replica>, Partial<RulesIssue>, string]>([
    ['an unknown priority keeps the local one', { priority: { name: 'Blocker' } }, { priority: 'Medium' }, 'priority "Blocker" does not exist here'],
    ['an unknown status keeps the local one', { status: { name: 'Review', category: null } }, { status: 'Open' }, 'status "Review" does not exist here'],
  ])('%s', async (_name, replicaOver, expected, warning) => {
    const issue = { ...blank(), projectKey: 'CLOUD', typeName: 'Task', priority: 'Medium', status: 'Open' };
    const result = await new DefaultRules(config()).incoming(input({ firstSync: false, issue, replica: replica(replicaOver) }));
    expect(result.desired).toMatchObject(expected);
    expect(result.logs.map((l) => l.message)).toEqual([expect.stringContaining(warning)]);
  });

  it('an unmapped assignee keeps the local one; a cleared assignee clears it', async () => {
    const issue = { ...blank(), projectKey: 'CLOUD', typeName: 'Task', assignee: { accountId: 'me', displayName: 'Me', email: null } };
    const unmapped = await new DefaultRules(config()).incoming(input({ firstSync: false, issue, replica: replica({ assignee: { accountId: 'x', displayName: 'X', email: null } }) }));
    expect(unmapped.desired.assignee?.accountId).toBe('me');
    const cleared = await new DefaultRules(config()).incoming(input({ firstSync: false, issue, replica: replica({ assignee: null }) }));
    expect(cleared.desired.assignee).toBeNull();
  });
});

describe('default rules, outgoing', () => {
  it('sends every field and the custom fields by name, except the remote key field', async () => {
    const issue = {
      key: 'INT-1', id: '100', projectKey: 'INT', summary: 'S', description: null, typeName: 'Task', priority: 'High', labels: ['x'], status: 'Open', dueDate: null,
      assignee: null, reporter: null, comments: [{ id: '5', author: null, body: doc('c'), created: 't', updated: 't', originId: 'r9' }],
      customFields: { 'remote issue KEY': { value: 'CLOUD-1' }, Team: { value: 'red' } }, created: '2026-01-01T00:00:00.000Z', updated: '2026-01-02T00:00:00.000Z',
    };
    const { replica: out } = await new DefaultRules(config()).outgoing({ issue, connection: input().connection });
    expect(out).toMatchObject({ key: 'INT-1', type: { name: 'Task' }, priority: { name: 'High' }, status: { name: 'Open' }, customFields: { Team: { value: 'red' } }, updated: '2026-01-02T00:00:00.000Z' });
    expect(Object.keys(out.customFields)).toEqual(['Team']);
    expect(out.comments).toEqual([{ id: '5', author: null, body: doc('c'), created: 't', updated: 't', originId: 'r9' }]);
  });
});
