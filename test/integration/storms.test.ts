import { z } from 'zod';
import type { Sandbox } from '../../sandbox/start';
import { ADMIN, connectedSandbox, createIssue, customFieldId, getIssue, rest, twinOf } from './helpers';

/**
 * The platform says "slow down" again and again: every 429 and every KVS RATE_LIMIT_EXCEEDED is
 * waited out (Retry-After when given) and tried again, so nothing is lost, nothing is duplicated
 * and no issue is left blocked.
 */
jest.setTimeout(240_000);

const ErrorsSchema = z.array(z.unknown());

async function expectAllSynced(sandbox: Sandbox, created: { id: string; key: string }[]): Promise<void> {
  const int = rest(sandbox, 'internal');
  const keyField = await customFieldId(int, 'Remote issue key');
  for (const issue of created) {
    const twins = await twinOf(sandbox, issue.id);
    expect([issue.key, twins.length]).toEqual([issue.key, 1]);
    expect((await getIssue(int, issue.key)).fields[keyField]).toBe(twins[0]?.key);
  }
  for (const site of ['internal', 'external'] as const) {
    expect([site, ErrorsSchema.parse(await sandbox.installations[site].invoke(ADMIN, 'listErrors', {}))]).toEqual([site, []]);
    expect([site, await sandbox.installations[site].deadLetters()]).toEqual([site, []]);
  }
}

describe('storms', () => {
  it('a 429 storm from Jira (every 4th app request, Retry-After 1 s): every twin once, every key written, no error', async () => {
    const sandbox = await connectedSandbox();
    try {
      for (const site of ['internal', 'external'] as const) {
        sandbox.sites[site].injectFault({ route: '*', status: 429, retryAfterSeconds: 1, every: 4, times: 100_000, onlyApps: true });
      }
      const int = rest(sandbox, 'internal');
      const created = [];
      for (let i = 0; i < 12; i++) created.push(await createIssue(int, { summary: `storm ${i}` }));
      await sandbox.waitForIdle();
      // the storm was real: the sites refused app requests
      expect(sandbox.sites.internal.stats().requests + sandbox.sites.external.stats().requests).toBeGreaterThan(12 * 4);
      await expectAllSynced(sandbox, created);
    } finally {
      await sandbox.close();
    }
  });

  it('a KVS quota storm (20 write units a minute): throttled writes wait their window out, nothing lost or doubled', async () => {
    // a frozen base clock: time moves only by advance(), so the storm does not depend on the machine's speed
    const base = Date.parse('2026-12-01T09:00:00Z');
    const sandbox = await connectedSandbox({ now: () => base, forge: { limits: { kvs: { writeUnitsPerMinute: 20 } } } });
    try {
      const int = rest(sandbox, 'internal');
      const created = [];
      for (let i = 0; i < 10; i++) created.push(await createIssue(int, { summary: `quota ${i}` }));
      // run on the platform clock: whatever waits (throttled retries, the sweeper) gets its time
      for (let minute = 0; minute < 120; minute++) {
        await sandbox.platform.waitForSettled();
        const refused = sandbox.platform.limitRefusals();
        if ((await twinCount(sandbox, created)) === created.length && Object.keys(refused).length > 0 && (await idle(sandbox))) break;
        await sandbox.platform.advance(30_000);
      }
      expect(Object.keys(sandbox.platform.limitRefusals()).join(',')).toMatch(/kvs/i);
      await expectAllSynced(sandbox, created);
    } finally {
      await sandbox.close();
    }
  });
});

async function twinCount(sandbox: Sandbox, created: { id: string }[]): Promise<number> {
  let n = 0;
  for (const issue of created) if ((await twinOf(sandbox, issue.id)).length === 1) n += 1;
  return n;
}

async function idle(sandbox: Sandbox): Promise<boolean> {
  const res = await fetch(`${sandbox.urls.internal}/_sandbox/idle`);
  return z.looseObject({ idle: z.boolean() }).parse(await res.json()).idle;
}
