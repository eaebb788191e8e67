import type { JiraOpenApi } from '../support/openapi';
import { basicAuth, JiraProbe, type ProbeResponse } from './jira-probe';
import { startSite, type RunningSite } from './site-fixture';

export interface SiteHarness {
  /** the running site (valid inside tests and hooks) */
  readonly running: RunningSite;
  /** a probe authenticated as the site's admin */
  readonly jira: JiraProbe;
  /** a probe with the given Authorization header (null: none) */
  probeAs(authorization: string | null): JiraProbe;
  /** every response so far (from any of this harness's probes) that failed its spec check */
  specFailures(): string[];
}

/** Starts a fresh in-memory `internal` site for the enclosing describe block and stops it after. */
export function useSite(spec: JiraOpenApi): SiteHarness {
  let running: RunningSite | null = null;
  let jira: JiraProbe | null = null;
  const failures: string[] = [];
  const observe = (response: ProbeResponse): void => {
    if (!response.check.ok) failures.push(`${response.method} ${response.path} ${response.status}: ${response.check.errors.join('; ')}`);
  };
  beforeAll(async () => {
    running = await startSite('internal');
    // these suites check shapes and JQL semantics against writes they just made: no search index lag
    // (the lag and reconcileIssues have their own suite, search-consistency.test.ts)
    running.site.setSearchIndexLag(0);
    // and many requests a second: the rate limits have their own suite (rate-limits.test.ts)
    running.site.setRateLimits(false);
    jira = new JiraProbe(running.baseUrl, spec, basicAuth(running.site.admin.email, running.site.admin.apiToken), observe);
  });
  afterAll(async () => {
    await running?.close();
  });
  const started = (): RunningSite => {
    if (running === null) throw new Error('the site is not started (use the harness inside tests)');
    return running;
  };
  return {
    get running() {
      return started();
    },
    get jira() {
      started();
      if (jira === null) throw new Error('no probe');
      return jira;
    },
    probeAs(authorization) {
      return new JiraProbe(started().baseUrl, spec, authorization, observe);
    },
    specFailures() {
      return [...failures];
    },
  };
}

/** The operations of `wanted` whose responses the suite never checked against the spec. */
export function uncheckedOperations(spec: JiraOpenApi, wanted: readonly string[]): string[] {
  return wanted.filter((operationId) => !spec.checked().has(operationId));
}
