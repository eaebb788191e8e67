import type { ReplicaAttachment } from '../../../model/replica';
import type { LocalAttachment } from '../../../ports/jira';
import type { RulesAttachment } from '../../../ports/rules';
import type { AttachmentLink } from '../../state/records';
import { pendingMediaId } from './media';
import { incomingMediaMap, planAttachments, type AttachmentPlanInput } from './plan';

const file = (id: string, extra: Partial<LocalAttachment> = {}): LocalAttachment => ({ id, filename: `${id}.txt`, mimeType: 'text/plain', size: 10, created: '2026-01-01T00:00:00.000Z', author: null, ...extra });
const remote = (id: string, extra: Partial<ReplicaAttachment> = {}): ReplicaAttachment => ({ ...file(id), mediaId: null, originId: null, ...extra });
const keep = (a: LocalAttachment, originId: string | null = null): RulesAttachment => ({ ...a, originId });
const copyOf = (r: ReplicaAttachment): RulesAttachment => ({ ...r, id: '', originId: r.id });
const link = (localId: string, remoteId: string | null, owner: 'local' | 'remote', mediaId: string | null = null): AttachmentLink => ({ localId, remoteId, owner, mediaId });

const base: AttachmentPlanInput = {
  local: [], desired: [], links: [], failures: [], replica: [],
  settings: { enabled: true, uploadLimit: 1000 }, maxTransferBytes: 500, now: '2026-12-01T00:00:00.000Z',
};
const plan = (over: Partial<AttachmentPlanInput>) => planAttachments({ ...base, ...over });

describe('planAttachments', () => {
  it('copies a remote file once: not again when linked, nor when its copy was deleted here', () => {
    const r = remote('20');
    expect(plan({ replica: [r], desired: [copyOf(r)] }).uploads.map((u) => u.id)).toEqual(['20']);
    expect(plan({ replica: [r], desired: [copyOf(r)], local: [file('1')], links: [link('1', '20', 'remote')] }).uploads).toEqual([]);
    // deleted here: the link stays while the original is there, and nothing is copied
    const gone = plan({ replica: [r], desired: [copyOf(r)], links: [link('1', '20', 'remote')] });
    expect(gone.uploads).toEqual([]);
    expect(gone.links).toEqual([link('1', '20', 'remote')]);
    // asked twice in one result: once
    expect(plan({ replica: [r], desired: [copyOf(r), copyOf(r)] }).uploads).toHaveLength(1);
  });

  it('never copies back a copy of our own file, and learns its id there', () => {
    const ours = file('1');
    const theirCopy = remote('20', { originId: '1' });
    const p = plan({ local: [ours], replica: [theirCopy], desired: [keep(ours), copyOf(theirCopy)] });
    expect(p.uploads).toEqual([]);
    expect(p.links).toEqual([link('1', '20', 'local')]);
  });

  it('deletes what the rules dropped only when the other side knows it', () => {
    const known = file('1');
    const unknown = file('2');
    const p = plan({ local: [known, unknown], links: [link('1', '20', 'remote'), link('2', null, 'local', 'm2')], desired: [] });
    expect(p.deletes).toEqual(['1']);
    expect(p.links).toEqual([link('2', null, 'local', 'm2')]);
  });

  it.each([
    ['over the site limit', { size: 1001 }, { enabled: true, uploadLimit: 1000 }, 'over this site\'s attachment size limit of 1000 bytes'],
    ['over what Twin Sync carries', { size: 600 }, { enabled: true, uploadLimit: 1000 }, 'over the 500 bytes Twin Sync carries per file'],
    ['attachments off here', { size: 1 }, { enabled: false, uploadLimit: 1000 }, 'attachments are turned off on this site'],
  ])('a file it cannot copy is a failure of that file only: %s', (_name, extra, settings, reason) => {
    const big = remote('20', { filename: 'big.bin', ...extra });
    const small = remote('21');
    const p = plan({ replica: [big, small], desired: [copyOf(big), copyOf(small)], settings });
    expect(p.uploads.map((u) => u.id)).toEqual(settings.enabled ? ['21'] : []);
    expect(p.newFailures.map((f) => [f.remoteId, f.filename])).toEqual(settings.enabled ? [['20', 'big.bin']] : [['20', 'big.bin'], ['21', '21.txt']]);
    expect(p.newFailures[0]?.reason).toContain(reason);
    // not tried again while it is there; forgotten once it is gone there
    expect(plan({ replica: [big], desired: [copyOf(big)], failures: p.failures, settings: { enabled: true, uploadLimit: 10_000 }, maxTransferBytes: 10_000 }).uploads).toEqual([]);
    expect(plan({ replica: [], failures: p.failures }).failures).toEqual([]);
  });

  it('deletes our file whose copy the remote deleted, whatever the rules kept (its message says so)', () => {
    const ours = file('1');
    const p = plan({ local: [ours, file('2')], desired: [keep(ours), keep(file('2'))], links: [link('1', '20', 'local')], deletedThere: ['1', '99'] });
    expect(p.deletes).toEqual(['1']);
    expect(p.links).toEqual([]);
  });

  it('forgets a link when both files are gone', () => {
    expect(plan({ links: [link('1', '20', 'remote')], replica: [] }).links).toEqual([]);
  });
});

describe('incomingMediaMap', () => {
  it('maps the remote media ids to ours, our copies and pending copies', () => {
    const r1 = remote('20', { mediaId: 'R1' }); // copied here before
    const r2 = remote('21', { mediaId: 'R2', originId: '2' }); // their copy of our file 2
    const r3 = remote('22', { mediaId: 'R3' }); // copied by this apply
    const r4 = remote('23', { mediaId: 'R4' }); // not copied, not known
    const map = incomingMediaMap([r1, r2, r3, r4], [link('1', '20', 'remote', 'L1'), link('2', '21', 'local', 'L2')], [r3]);
    expect([...map.entries()]).toEqual([['R1', 'L1'], ['R2', 'L2'], ['R3', pendingMediaId('22')]]);
  });
});
