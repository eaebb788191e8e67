import { costReport } from './cost-report';

describe('cost report', () => {
  it('projects a month of syncs for 10,000 issues edited 5 times a day, with the free allowances taken off', () => {
    const r = costReport({ restPoints: 3, kvsOps: 17, kvsBytesRead: 20_000, kvsBytesWritten: 15_000, invocations: 4, invocationSeconds: 0.2 });
    expect(r.syncsPerMonth).toBe(1_500_000);
    expect(r.restPointsPerHour).toBe(6250);
    expect(r.invocationsPerMonth).toBe(6_000_000);
    expect(r.gbSecondsPerMonth).toBe(150_000);
    expect(r.dollarsPerMonth.functions).toBe(1.25); // (150,000 - 100,000) × 0.000025
    expect(r.kvsWriteGbPerMonth).toBe(20.955);
    expect(r.dollarsPerMonth.kvsWrites).toBe(Math.round((20.9548 - 0.1) * 1.09 * 100) / 100);
  });

  it('adds the sweeper runs, a fixed cost: 12 an hour, 8,640 a month', () => {
    const sweep = { restPoints: 2, kvsOps: 10, kvsBytesRead: 1000, kvsBytesWritten: 100, invocations: 2, invocationSeconds: 0.01 };
    const update = { restPoints: 3, kvsOps: 17, kvsBytesRead: 20_000, kvsBytesWritten: 15_000, invocations: 4, invocationSeconds: 0.2 };
    const without = costReport(update);
    const r = costReport(update, 10_000, 5, sweep);
    expect(r.restPointsPerHour - without.restPointsPerHour).toBe(24);
    expect(r.kvsOpsPerMonth - without.kvsOpsPerMonth).toBe(86_400);
    expect(r.invocationsPerMonth - without.invocationsPerMonth).toBe(17_280);
  });
});
