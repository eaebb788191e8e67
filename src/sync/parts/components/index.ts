import type { Connection } from '../../../model/connection';
import { JiraError, type LocalIssue } from '../../../ports/jira';
import type { RulesIssue } from '../../../ports/rules';
import type { EngineDeps } from '../../deps';

/**
 * Components and fix versions travel by name (the fields part merges and writes them). A name the
 * project here lacks would make Jira refuse the whole write, so before anything is written (before
 * a twin's creation, too) each missing name is created here, or reported and left out, as the
 * connection's `missingComponents` setting says (default: create). Creating needs the Administer
 * Projects permission (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-components/#api-rest-api-3-component-post);
 * a refusal is reported like a missing name. Costs nothing when every name the rules want is
 * already on the issue; else two reads, and one call per name created.
 */
export interface ProjectPartsOutcome {
  /** Jira writes made (names created) */
  writes: number;
  /** one line each: a name left out */
  notes: string[];
  /** the fields with a name left out (their value here is not the remote's) */
  held: ('components' | 'fixVersions')[];
}

type Kind = 'components' | 'fixVersions';
/** components and versions created in one apply, at most */
const MAX_CREATED_PER_APPLY = 10;
const WHAT: Record<Kind, string> = { components: 'component', fixVersions: 'fix version' };

export async function provideProjectParts(deps: EngineDeps, connection: Connection, desired: RulesIssue, local: LocalIssue | null): Promise<ProjectPartsOutcome> {
  const projectKey = local?.projectKey ?? desired.projectKey;
  const wanted = (kind: Kind): string[] => [...new Set(desired[kind])].filter((name) => !(local?.[kind] ?? []).includes(name));
  if (projectKey === null || (wanted('components').length === 0 && wanted('fixVersions').length === 0)) return { writes: 0, notes: [], held: [] };
  const parts = await deps.jira.getProjectParts(projectKey);
  const mode = connection.rulesConfig.missingComponents ?? 'create';
  const outcome: ProjectPartsOutcome = { writes: 0, notes: [], held: [] };
  let created = 0;
  for (const kind of ['components', 'fixVersions'] as const) {
    const have = new Set((kind === 'components' ? parts.components : parts.versions).map((n) => n.toLowerCase()));
    const leftOut = new Set<string>();
    for (const name of wanted(kind)) {
      if (have.has(name.toLowerCase())) continue;
      // bounded per apply (the names come from the other site), and as long as Jira takes a name
      if (mode === 'report' || created >= MAX_CREATED_PER_APPLY || name.length > 255) {
        leftOut.add(name);
        outcome.notes.push(`${WHAT[kind]} "${name.slice(0, 100)}" does not exist in ${projectKey} here; left out (${mode === 'report' ? 'the connection reports missing names' : name.length > 255 ? 'the name is too long' : `at most ${MAX_CREATED_PER_APPLY} are created per sync`})`);
        continue;
      }
      try {
        if (kind === 'components') await deps.jira.createComponent(projectKey, name);
        else await deps.jira.createVersion(projectKey, name);
        outcome.writes += 1;
        created += 1;
        have.add(name.toLowerCase());
      } catch (error) {
        // refused (no permission, a name Jira does not take): reported, the rest goes on; anything else is retried
        if (!(error instanceof JiraError) || error.status < 400 || error.status >= 500 || error.status === 429) throw error;
        leftOut.add(name);
        outcome.notes.push(`${WHAT[kind]} "${name}" could not be created in ${projectKey}: ${error.message}; left out`);
      }
    }
    // the name as the project spells it here
    const spelled = new Map((kind === 'components' ? parts.components : parts.versions).map((n) => [n.toLowerCase(), n]));
    desired[kind] = desired[kind].filter((n) => !leftOut.has(n)).map((n) => spelled.get(n.toLowerCase()) ?? n);
    if (leftOut.size > 0) outcome.held.push(kind);
  }
  return outcome;
}
