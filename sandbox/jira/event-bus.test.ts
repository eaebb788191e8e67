import type { JournaledProductEvent } from './contract';
import { EventBus } from './event-bus';

let seq = 0;
const event = (key: string): JournaledProductEvent => ({
  journalSeq: ++seq, eventType: 'avi:jira:created:issue', atlassianId: 'a', issue: { id: '1', key, fields: {} }, timestamp: '2026-11-26T18:00:00.000Z',
});

describe('EventBus', () => {
  it('delivers after the current turn, in order, to every subscriber', async () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribe((e) => seen.push(`1:${e.issue?.key}`));
    bus.subscribe((e) => seen.push(`2:${e.issue?.key}`));
    bus.emit([event('A-1'), event('A-2')]);
    expect(seen).toEqual([]);
    await new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
    expect(seen).toEqual(['1:A-1', '2:A-1', '1:A-2', '2:A-2']);
  });

  it('stops delivering to an unsubscribed listener, even for events already emitted', async () => {
    const bus = new EventBus();
    const seen: string[] = [];
    const off = bus.subscribe((e) => seen.push(e.issue?.key ?? ''));
    bus.emit([event('B-1')]);
    off();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(seen).toEqual([]);
  });
});
