import { JiraError, type IssueFieldWrite, type JiraPort } from '../../../ports/jira';
import type { RulesMetadata } from '../../../ports/rules';
import type { FieldValues } from '../../state/records';
import type { MergeResult } from '../../merge';

/**
 * The resolution, merged three-way by name like the priority (its value is a field value,
 * src/sync/field-values.ts), is not written like the others. Jira Cloud takes it in an edit only
 * when the edit screen has the field, which it rarely does: "Field 'resolution' cannot be set. It is
 * not on the appropriate screen, or unknown." It is a transition's: "Performs an issue transition
 * and, if the transition has a screen, updates the fields from the transition screen"
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-transitions-post),
 * and "Jira considers that the lifecycle of an issue has come to an end when the 'Resolution' field
 * has a value" (https://confluence.atlassian.com/cloudkb/best-practices-on-using-the-resolution-field-968660796.html).
 * So: when the status moves, the move's last transition carries it (to a done status); when only
 * the resolution differs, an edit is tried. A refusal (a 400 naming `resolution`) is a warning on
 * the issue and the value is held: the local one stays and keeps its time, so it is not sent back
 * as a change over the remote's (src/sync/merge.ts).
 */
export interface ResolutionWrite {
  /** the site's own spelling of the name, or null (unresolved) */
  value: string | null;
  /** 'transition': the status part carries it; 'edit': the fields part tries it; 'unknown': a name this site lacks, not written */
  how: 'transition' | 'edit' | 'unknown';
}

/** what the merge asks of the resolution, or null when it keeps the local one */
export function planResolution(merge: MergeResult, metadata: Pick<RulesMetadata, 'resolutions'>): ResolutionWrite | null {
  if (!('resolution' in merge.apply)) return null;
  const wanted = merge.apply.resolution;
  const value = typeof wanted === 'string' ? wanted : null;
  const moves = typeof merge.apply.status === 'string';
  if (value === null) return { value, how: moves ? 'transition' : 'edit' };
  // a site that lists no resolutions (an older cache, a fake) is not second-guessed
  const known = metadata.resolutions.length === 0 ? { name: value } : metadata.resolutions.find((r) => r.name.toLowerCase() === value.toLowerCase());
  if (!known) return { value, how: 'unknown' };
  return { value: known.name, how: moves ? 'transition' : 'edit' };
}

/** the resolution the issue has after the merge, as far as the merge goes (the local one when it is held or unchanged) */
export function mergedResolution(mine: FieldValues, write: ResolutionWrite | null): string | null {
  if (write !== null && write.how !== 'unknown') return write.value;
  const local = mine.resolution;
  return typeof local === 'string' ? local : null;
}

/** Jira refused the write because of this field (a 400 whose `errors` name it): by the answer's field errors, never its text */
export function refusedField(error: unknown, field: string): boolean {
  return error instanceof JiraError && error.status === 400 && Object.prototype.hasOwnProperty.call(error.fieldErrors, field);
}

/** tries the resolution in an edit (with `others`, the edit's other fields): false when Jira refuses the field (any other failure is thrown) */
export async function editResolution(jira: JiraPort, issueId: string, value: string | null, others: IssueFieldWrite = {}): Promise<boolean> {
  try {
    await jira.updateIssue(issueId, { ...others, resolution: value });
    return true;
  } catch (error) {
    if (refusedField(error, 'resolution')) return false;
    throw error;
  }
}

/** the warning shown on the issue when the remote's resolution could not be written here */
export function resolutionNote(write: ResolutionWrite, kept: string | null, why: 'unknown' | 'edit' | 'transition' | 'workflow'): string {
  const name = write.value === null ? 'no resolution' : `resolution "${write.value}"`;
  const keptText = kept === null ? 'kept no resolution' : `kept "${kept}"`;
  const reason = {
    unknown: 'is not a resolution of this site',
    edit: 'cannot be set here without a transition (Jira refused it in an edit: the field is not on the edit screen)',
    transition: "cannot be set by this issue's transition here (Jira refused it: the field is not on the transition's screen)",
    workflow: "is not what this issue's workflow left here",
  }[why];
  return `Resolution: ${name} ${reason}; ${keptText}`;
}
