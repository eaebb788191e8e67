import { runAttachmentBench } from '../../bench/attachment-bench';
import { runPartsBench } from '../../bench/parts-bench';
import { runSyncBench } from '../../bench/sync-bench';

/**
 * What one sync costs, counted by the sandbox itself (Jira REST calls per route, KVS operations,
 * Forge invocations per function), exactly: a change that costs more fails here, not in a bill.
 * The same figures `npm run bench` prints.
 */
describe('costs per sync on the sandbox (exact counts)', () => {
  jest.setTimeout(300_000);

  it('a create with its sync back: 4 REST calls, 19 KVS operations, 4 invocations; a field update: 2, 12, 3', async () => {
    const f = await runSyncBench({ creates: 0 });
    expect({ rest: f.restPerCreateWithSyncBack, kvs: f.kvsOpsPerCreateWithSyncBack, invocations: f.invocationsPerCreateWithSyncBack }).toEqual({
      rest: 4,
      // the source's trigger reads the configuration version (1); its consumer reads it, takes the
      // issue's lock, reads the link, reserves the seq, reads the "changed by a person" marker and
      // writes the sync back's apply with the send's bookkeeping and the lock's release (6); the
      // other site's inbox reads the version and the remote index, writes the creation marker, and
      // the link with everything else (4); 11 before issue 12, which added: the unlink marks looked up
      // before the first send and before the creation (2), and the outcome the source sends for the
      // sync back it applied, so the other side's panel says "synced" on its word: the inbox reads
      // the version and the secret, takes the lock, reads the link, writes it with the release (4);
      // issue 16: the source's first send looks up the twin group, the new twin's first
      // sync claims the group's creation on its site (2)
      kvs: 19,
      // no queue event on the receiving side: applied while the sender waits, the sync back in the
      // answer; then the outcome of that sync back, posted to the other side's inbox
      invocations: { 'internal issue-events': 1, 'internal sync-consumer': 1, 'external replica-inbox': 2 },
    });
    expect({ rest: f.restPerFieldUpdate, kvs: f.kvsOpsPerFieldUpdate, invocations: f.invocationsPerFieldUpdate }).toEqual({
      rest: 2,
      // trigger: version, "changed by a person" marker (2); consumer: lock, version, link, seq
      // reservation, the send's bookkeeping with the release (5); inbox: version, lock, link (with
      // the last applied replica), the marker, the apply's bookkeeping with the release (5)
      kvs: 12,
      invocations: { 'internal issue-events': 1, 'internal sync-consumer': 1, 'external replica-inbox': 1 },
    });
    // an update that changes only a field no replica carries sends nothing
    expect(f.restPerNoOpEvent).toBe(0);
    expect(f.createRoutes).toEqual({
      'internal POST /rest/api/3/issue': 1,
      'internal POST /rest/api/3/search/jql': 1,
      'internal PUT /rest/api/3/issue/{issueIdOrKey}': 1,
      'external POST /rest/api/3/issue': 1,
      'external GET /rest/api/3/issue/{issueIdOrKey}': 1,
    });
  });

  it('a file added to a synced issue: 4 REST calls and 6 invocations for 10 bytes (one part), one ranged read and one invocation more per 2 MiB part', async () => {
    const f = await runAttachmentBench();
    // the source's trigger and consumer read the issue (1) and send the replica naming the file; the
    // twin's inbox defers the copy to its consumer (a fetch takes longer than a web trigger may),
    // which reads the twin as Jira has it now (1: a copy an attempt that died may have made is looked
    // for there, never in a snapshot), fetches the part from the source's inbox (a ranged read there,
    // 1) and uploads the copy (1), then tells the source the copy's id (the source's inbox applies it
    // while it waits)
    expect(f.small.routes).toEqual({
      'internal GET /rest/api/3/issue/{issueIdOrKey}': 1,
      'internal GET /rest/api/3/attachment/content/{id}': 1,
      'external GET /rest/api/3/issue/{issueIdOrKey}': 1,
      'external POST /rest/api/3/issue/{issueIdOrKey}/attachments': 1,
    });
    expect(f.small.invocations).toEqual({
      'internal issue-events': 1, 'internal sync-consumer': 1, 'internal replica-inbox': 2, 'external replica-inbox': 1, 'external sync-consumer': 1,
    });
    expect(f.small.kvsOps).toBe(28);
    // 3 MB: two parts of 2 MiB
    expect(f.threeMb.routes).toEqual({
      'internal GET /rest/api/3/issue/{issueIdOrKey}': 1,
      'internal GET /rest/api/3/attachment/content/{id}': 2,
      'external GET /rest/api/3/issue/{issueIdOrKey}': 1,
      'external POST /rest/api/3/issue/{issueIdOrKey}/attachments': 1,
    });
    expect(f.threeMb.invocations).toEqual({ ...f.small.invocations, 'internal replica-inbox': 3 });
    expect(f.threeMb.kvsOps).toBe(30);
  });

  it('a link between two synced issues: 8 REST calls (two of them the link made once per issue\'s apply), 14 invocations; a parent moved: 2 and 3; a child created under a synced parent: 4 and 4', async () => {
    const f = await runPartsBench();
    // the source reads both issues (its link event names both); the other site makes the link in
    // the apply of each issue's replica (Jira keeps one), reads each issue again before and after;
    // its own link event (it carries no account to filter on) and the links' tell send both issues
    // back, where nothing changes
    expect(f.link.routes).toEqual({
      'internal GET /rest/api/3/issue/{issueIdOrKey}': 2,
      'external POST /rest/api/3/issueLink': 2,
      'external GET /rest/api/3/issue/{issueIdOrKey}': 4,
    });
    expect(f.link.invocations).toEqual({
      'internal issue-events': 1, 'internal sync-consumer': 2, 'internal replica-inbox': 2,
      'external replica-inbox': 4, 'external issue-events': 1, 'external sync-consumer': 4,
    });
    // (90: the sends read the link of each linked issue, to send only links between synced issues)
    expect(f.link.kvsOps).toBe(90);
    // like any field update: the parent is a field, written by the parent's id there; the story's
    // send reads the link of its linked issue (one link from the bench's warm-up) and of its parent
    expect(f.parentMove.routes).toEqual({ 'internal GET /rest/api/3/issue/{issueIdOrKey}': 1, 'external PUT /rest/api/3/issue/{issueIdOrKey}': 1 });
    expect(f.parentMove.invocations).toEqual({ 'internal issue-events': 1, 'internal sync-consumer': 1, 'external replica-inbox': 1 });
    expect(f.parentMove.kvsOps).toBe(18);
    // like any create with its sync back, plus one storage read (the parent's link, to bring it along when unsynced)
    expect(f.childCreate.routes).toEqual({
      'internal POST /rest/api/3/search/jql': 1, 'internal PUT /rest/api/3/issue/{issueIdOrKey}': 1,
      'external POST /rest/api/3/issue': 1, 'external GET /rest/api/3/issue/{issueIdOrKey}': 1,
    });
    expect(f.childCreate.invocations).toEqual({ 'internal issue-events': 1, 'internal sync-consumer': 1, 'external replica-inbox': 2 });
    // 21 before issue 16's twin groups: the child's first send looks its group up, its twin's creation claims it (2)
    expect(f.childCreate.kvsOps).toBe(23);
  });
});
