import type { Connection } from '../../../shared/src/api/admin-api';
import { IssueLink, RemoteIssueLink } from '../../../shared/src/ui/issue-link';

/**
 * The issue a row is about: this site's key as a link to the issue here, and the other site's key
 * (a link to it there when that site's address is known); "—" only when the row names no issue.
 */
export function IssueCell({ issueKey, remoteIssueKey, connection }: { issueKey: string | null; remoteIssueKey: string | null; connection: Connection | undefined }) {
  const remote = remoteIssueKey === null ? null : <RemoteIssueLink issueKey={remoteIssueKey} siteUrl={connection?.remoteSiteUrl ?? null} />;
  if (issueKey === null) {
    return remote === null ? <>—</> : <>{remote}<span className="ts-subtle"> (other site)</span></>;
  }
  return (
    <>
      <IssueLink issueKey={issueKey} />
      {remote === null ? null : <div className="ts-subtlest">twin {remote}</div>}
    </>
  );
}

/** a row's issue in a button's name or a message: its key here, else the other site's; null when it names none */
export function issueKeyOf(row: { issueKey: string | null; remoteIssueKey: string | null }): string | null {
  return row.issueKey ?? row.remoteIssueKey;
}
