import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { JiraProductEvent, JournaledProductEvent } from './contract';
import { JiraSite } from './site';
import { openDb } from './storage/db';
import { EventJournal, JOURNAL_MAX_ROWS, JOURNAL_RETENTION_MS } from './storage/event-journal';
import { startSite, type SiteHarness } from './testing/site-harness';

const DAY = 86_400_000;
const event = (key: string): JiraProductEvent => ({
  eventType: 'avi:jira:created:issue', atlassianId: 'a', issue: { id: '1', key, fields: {} }, timestamp: '2026-03-01T00:00:00.000Z',
});

describe('the product event journal of a site', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'jira-journal-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  async function create(h: SiteHarness, summary: string | undefined): Promise<number> {
    const r = await h.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, ...(summary === undefined ? {} : { summary }) } });
    return r.status;
  }

  it('journals each committed change’s events with the commit, in order, so a subscriber that missed them reads them after a restart', async () => {
    const file = join(dir, 'jira-internal.sqlite');
    const h = await startSite({ db: file, rateLimits: false });
    const live: JournaledProductEvent[] = [];
    h.site.onEvent((e) => live.push(e));
    const before = h.site.eventJournal();
    expect(before).toEqual({ journalId: expect.any(String), lastSeq: 0, firstSeq: 1 });
    expect(await create(h, 'one')).toBe(201);
    expect(await create(h, undefined)).toBe(400); // refused: nothing committed, nothing journaled
    expect(await create(h, 'two')).toBe(201);
    await h.eventsReached(2);
    expect(live.map((e) => e.journalSeq)).toEqual([1, 2]);
    expect(h.site.eventJournal()).toEqual({ journalId: before.journalId, lastSeq: 2, firstSeq: 1 });
    await h.stop();

    // nobody was subscribed on the next run: the events are in the file
    const reopened = JiraSite.create({ name: 'internal', db: file, rateLimits: false });
    try {
      expect(reopened.eventJournal()).toEqual({ journalId: before.journalId, lastSeq: 2, firstSeq: 1 });
      const stored = reopened.eventsAfter(0);
      expect(stored.map((e) => [e.journalSeq, e.eventType, e.issue?.fields['summary']])).toEqual([[1, 'avi:jira:created:issue', 'one'], [2, 'avi:jira:created:issue', 'two']]);
      expect(stored).toEqual(live);
      expect(reopened.eventsAfter(1).map((e) => e.journalSeq)).toEqual([2]);
      expect(reopened.eventsAfter(2)).toEqual([]);
    } finally {
      await reopened.close();
    }
  });

  it('gives the events of one commit consecutive numbers (a parent deleted with its sub-task)', async () => {
    const h = await startSite({ rateLimits: false });
    const events: JournaledProductEvent[] = [];
    h.site.onEvent((e) => events.push(e));
    try {
      const parent = z.object({ key: z.string() }).parse((await h.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Task' }, summary: 'parent' } })).body);
      expect((await h.call('POST', '/rest/api/3/issue', { fields: { project: { key: 'INT' }, issuetype: { name: 'Sub-task' }, parent: { key: parent.key }, summary: 'child' } })).status).toBe(201);
      expect((await h.call('DELETE', `/rest/api/3/issue/${parent.key}?deleteSubtasks=true`)).status).toBe(204);
      await h.eventsReached(4);
      expect(events.map((e) => [e.journalSeq, e.eventType])).toEqual([
        [1, 'avi:jira:created:issue'], [2, 'avi:jira:created:issue'], [3, 'avi:jira:deleted:issue'], [4, 'avi:jira:deleted:issue'],
      ]);
      expect(h.site.eventsAfter(0, 2).map((e) => e.journalSeq)).toEqual([1, 2]);
    } finally {
      await h.stop();
    }
  });

  it(`keeps ${JOURNAL_MAX_ROWS} rows at most, and none older than 14 days, never reusing a sequence number`, () => {
    const file = join(dir, 'journal.sqlite');
    let now = Date.parse('2026-03-01T00:00:00Z');
    const db = openDb(file);
    const journal = new EventJournal(db, () => now);
    const append = (n: number): void => {
      const journaled = db.transaction(() => journal.append(Array.from({ length: n }, (_, i) => event(`A-${i}`))))();
      journal.committed(journaled);
    };
    append(JOURNAL_MAX_ROWS + 5);
    expect(journal.info()).toEqual({ journalId: journal.journalId, lastSeq: JOURNAL_MAX_ROWS + 5, firstSeq: 6 });
    expect(journal.after(0, 1).map((e) => e.journalSeq)).toEqual([6]);

    now += JOURNAL_RETENTION_MS - 1;
    append(1);
    expect(journal.info().firstSeq).toBe(7); // the cap again; nothing is 14 days old yet
    now += 2;
    append(1);
    // everything but the last two is older than 14 days
    expect(journal.info()).toEqual({ journalId: journal.journalId, lastSeq: JOURNAL_MAX_ROWS + 7, firstSeq: JOURNAL_MAX_ROWS + 6 });
    now += 15 * DAY;
    append(1);
    expect(journal.info()).toEqual({ journalId: journal.journalId, lastSeq: JOURNAL_MAX_ROWS + 8, firstSeq: JOURNAL_MAX_ROWS + 8 });
    db.close();

    const again = openDb(file);
    const reopened = new EventJournal(again, () => now);
    expect(reopened.journalId).toBe(journal.journalId);
    now += 15 * DAY;
    const next = again.transaction(() => reopened.append([event('B-1')]))();
    expect(next.map((e) => e.journalSeq)).toEqual([JOURNAL_MAX_ROWS + 9]);
    again.close();

    // another database is another journal
    const other = openDb(':memory:');
    expect(new EventJournal(other, () => now).journalId).not.toBe(journal.journalId);
    other.close();
  });
});
