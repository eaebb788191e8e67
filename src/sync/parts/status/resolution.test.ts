import { JiraError } from '../../../ports/jira';
import type { MergeResult } from '../../merge';
import { MemoryJira } from '../../testing/memory-jira';
import { MemoryStore } from '../../testing/memory-store';
import { editResolution, mergedResolution, planResolution, refusedField, resolutionNote } from '../fields/resolution';
import { moveToStatus } from './status-mover';

const RESOLUTIONS = { resolutions: [{ id: '1', name: 'Done' }, { id: '2', name: "Won't Do" }] };
const merge = (apply: MergeResult['apply']): MergeResult => ({ apply, conflicts: [] });

function site(): { jira: MemoryJira; store: MemoryStore } {
  const clock = { t: Date.parse('2026-03-01T00:00:00.000Z'), now: () => clock.t };
  const jira = new MemoryJira('internal', ['INT'], clock);
  jira.beforeUserAction = () => { clock.t += 1; };
  return { jira, store: new MemoryStore(clock) };
}

describe('planResolution: how the merged resolution is written', () => {
  it.each<[string, MergeResult['apply'], ReturnType<typeof planResolution>]>([
    ['unchanged', { summary: 'x' }, null],
    ['with a status move: by the transition, in the site\'s spelling', { status: 'Done', resolution: "won't do" }, { value: "Won't Do", how: 'transition' }],
    ['alone: by an edit', { resolution: 'Done' }, { value: 'Done', how: 'edit' }],
    ['cleared alone: by an edit', { resolution: null }, { value: null, how: 'edit' }],
    ['a name this site lacks: held', { status: 'Done', resolution: 'Fixed' }, { value: 'Fixed', how: 'unknown' }],
  ])('%s', (_name, apply, expected) => {
    expect(planResolution(merge(apply), RESOLUTIONS)).toEqual(expected);
  });

  it('the merged resolution: the one written, else the local one (held or unchanged)', () => {
    expect(mergedResolution({ resolution: 'Done' }, null)).toBe('Done');
    expect(mergedResolution({ resolution: 'Done' }, { value: 'Fixed', how: 'unknown' })).toBe('Done');
    expect(mergedResolution({ resolution: null }, { value: "Won't Do", how: 'transition' })).toBe("Won't Do");
  });

  it('a refusal is told by the field Jira names, never by the text', () => {
    expect(refusedField(new JiraError('x', 400, null, { resolution: 'nope' }), 'resolution')).toBe(true);
    expect(refusedField(new JiraError('resolution cannot be set', 400), 'resolution')).toBe(false);
    expect(refusedField(new JiraError('x', 403, null, { resolution: 'nope' }), 'resolution')).toBe(false);
    expect(resolutionNote({ value: 'Fixed', how: 'unknown' }, null, 'unknown')).toBe('Resolution: resolution "Fixed" is not a resolution of this site; kept no resolution');
  });
});

describe('the resolution written with the status (Jira Cloud: not on the edit screen)', () => {
  it('the last transition into Done carries it; out of Done it is cleared', async () => {
    const { jira, store } = site();
    const issue = jira.userCreate('INT', 'Printer on fire');
    const moved = await moveToStatus(jira, store, { ...issue, status: 'Open' }, 'Done', { resolution: "Won't Do" });
    expect(moved).toEqual({ steps: 2, refused: false });
    expect((await jira.getIssue(issue.id))?.resolution).toBe("Won't Do");
    // the workflow loops Done → Open: cleared
    await moveToStatus(jira, store, { ...issue, status: 'Done' }, 'Open');
    expect((await jira.getIssue(issue.id))?.resolution).toBeNull();
  });

  it('a transition whose screen lacks the field is made without it, once, and says so', async () => {
    const { jira, store } = site();
    jira.resolutionOnTransitionScreen = false;
    const issue = jira.userCreate('INT', 'Printer on fire');
    const moved = await moveToStatus(jira, store, { ...issue, status: 'Open' }, 'Done', { resolution: 'Done' });
    expect(moved).toEqual({ steps: 2, refused: true });
    const after = await jira.getIssue(issue.id);
    expect([after?.status.name, after?.resolution]).toEqual(['Done', null]);
    // three transitions tried: Open → In Progress, the refused one into Done, the same without the field
    expect(jira.calls.transitionIssue).toBe(3);
  });

  it('an edit naming the resolution is refused as Jira refuses it (400, errors.resolution): false, nothing written', async () => {
    const { jira } = site();
    const issue = jira.userCreate('INT', 'Printer on fire');
    expect(await editResolution(jira, issue.id, 'Done', { summary: 'Changed' })).toBe(false);
    const after = await jira.getIssue(issue.id);
    expect([after?.summary, after?.resolution]).toEqual(['Printer on fire', null]);
    jira.resolutionOnEditScreen = true;
    expect(await editResolution(jira, issue.id, 'Done')).toBe(true);
    expect((await jira.getIssue(issue.id))?.resolution).toBe('Done');
  });

  it('any other failure of the edit is an error of the issue', async () => {
    const { jira } = site();
    const issue = jira.userCreate('INT', 'Printer on fire');
    jira.resolutionOnEditScreen = true;
    await expect(editResolution(jira, issue.id, 'Done', { customFields: { Nowhere: 'x' } })).rejects.toMatchObject({ status: 400 });
  });
});
