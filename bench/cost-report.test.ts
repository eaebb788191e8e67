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
});
