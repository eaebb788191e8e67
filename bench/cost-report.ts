/**
 * What a customer's sync costs on Forge and Jira, projected from the per-sync counts the sync
 * benchmark measures on the sandbox.
 *
 * Prices: Forge platform pricing, https://developer.atlassian.com/platform/forge/forge-platform-pricing/
 * (functions $0.000025 per GB-second over 100,000 free; KVS reads $0.055 per GB over 0.1 GB free,
 * writes $1.090 per GB over 0.1 GB free). Compute is billed as execution seconds × 0.5 GB
 * (https://developer.atlassian.com/platform/forge/monitor-usage-metrics). Jira's app quota:
 * 65,000 points per hour (https://developer.atlassian.com/cloud/jira/platform/rate-limiting).
 */
export const PRICES = {
  gbSecond: 0.000025,
  freeGbSeconds: 100_000,
  kvsReadPerGb: 0.055,
  kvsWritePerGb: 1.09,
  freeKvsReadGb: 0.1,
  freeKvsWriteGb: 0.1,
  lambdaGb: 0.5,
  jiraPointsPerHour: 65_000,
};

export interface PerSync {
  restPoints: number;
  kvsOps: number;
  kvsBytesRead: number;
  kvsBytesWritten: number;
  invocations: number;
  /** wall time of all the sync's invocations, in the sandbox (a lower bound of Forge's billed duration) */
  invocationSeconds: number;
}

export interface CostReport {
  issues: number;
  editsPerIssuePerDay: number;
  syncsPerMonth: number;
  restPointsPerHour: number;
  quotaShare: number;
  kvsOpsPerMonth: number;
  kvsReadGbPerMonth: number;
  kvsWriteGbPerMonth: number;
  invocationsPerMonth: number;
  gbSecondsPerMonth: number;
  dollarsPerMonth: { functions: number; kvsReads: number; kvsWrites: number; total: number };
}

const GB = 1024 ** 3;

/** sweeper runs a month on one site (a fiveMinute scheduled trigger) */
export const SWEEPS_PER_MONTH = 12 * 24 * 30;

const NO_SWEEP: PerSync = { restPoints: 0, kvsOps: 0, kvsBytesRead: 0, kvsBytesWritten: 0, invocations: 0, invocationSeconds: 0 };

/**
 * `update` is one field update synced both ways' worth (the everyday sync); both sites' costs
 * added. `sweep` is one quiet sweeper run on both sites (a fixed cost, `SWEEPS_PER_MONTH` of them).
 */
export function costReport(update: PerSync, issues = 10_000, editsPerIssuePerDay = 5, sweep: PerSync = NO_SWEEP): CostReport {
  const perDay = issues * editsPerIssuePerDay;
  const perMonth = perDay * 30;
  const gbSeconds = perMonth * update.invocationSeconds * PRICES.lambdaGb + SWEEPS_PER_MONTH * sweep.invocationSeconds * PRICES.lambdaGb;
  const readGb = (perMonth * update.kvsBytesRead + SWEEPS_PER_MONTH * sweep.kvsBytesRead) / GB;
  const writeGb = (perMonth * update.kvsBytesWritten + SWEEPS_PER_MONTH * sweep.kvsBytesWritten) / GB;
  const functions = Math.max(0, gbSeconds - PRICES.freeGbSeconds) * PRICES.gbSecond;
  const kvsReads = Math.max(0, readGb - PRICES.freeKvsReadGb) * PRICES.kvsReadPerGb;
  const kvsWrites = Math.max(0, writeGb - PRICES.freeKvsWriteGb) * PRICES.kvsWritePerGb;
  const restPointsPerHour = (perDay / 24) * update.restPoints + 12 * sweep.restPoints;
  const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
  return {
    issues, editsPerIssuePerDay, syncsPerMonth: perMonth,
    restPointsPerHour: Math.round(restPointsPerHour), quotaShare: round(restPointsPerHour / PRICES.jiraPointsPerHour, 3),
    kvsOpsPerMonth: perMonth * update.kvsOps + SWEEPS_PER_MONTH * sweep.kvsOps, kvsReadGbPerMonth: round(readGb, 3), kvsWriteGbPerMonth: round(writeGb, 3),
    invocationsPerMonth: perMonth * update.invocations + SWEEPS_PER_MONTH * sweep.invocations, gbSecondsPerMonth: Math.round(gbSeconds),
    dollarsPerMonth: { functions: round(functions), kvsReads: round(kvsReads), kvsWrites: round(kvsWrites), total: round(functions + kvsReads + kvsWrites) },
  };
}
