import { useState } from 'react';
import type { Preview, PreviewIssue } from '../../../shared/src/api/admin-api';
import { readableMessage } from '../../../shared/src/api/resolver-error';
import { Button } from '../../../shared/src/ui/button';
import { SectionMessage } from '../../../shared/src/ui/section-message';
import { ChangeValues } from './field-changes';

interface Shown {
  /** the draft the preview ran (to say when the editor moved on) */
  draft: string;
  issues: PreviewIssue[];
  checked: number;
  cursor: string | null;
  stoppedEarly: boolean;
}

/**
 * "Preview changes": the draft run against the synced issues, a page at a time, writing nothing;
 * per issue what would change here and on the other site, or the draft's error on it.
 */
export function PreviewChanges({ run, draft, disabled = false, note }: {
  /** one page of the preview (`cursor` null: the first) */
  run: (cursor: string | null) => Promise<Preview>;
  /** the draft as text: a preview of another draft is marked out of date */
  draft: string;
  disabled?: boolean;
  /** what the preview compares, shown under the title */
  note: string;
}) {
  const [shown, setShown] = useState<Shown | null>(null);
  const [busy, setBusy] = useState<'first' | 'more' | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const load = async (more: boolean) => {
    setBusy(more ? 'more' : 'first');
    setFailure(null);
    try {
      const page = await run(more ? shown?.cursor ?? null : null);
      setShown((before) => {
        const kept = more && before !== null ? before : { draft, issues: [], checked: 0, cursor: null, stoppedEarly: false };
        return { draft: kept.draft, issues: [...kept.issues, ...page.issues], checked: kept.checked + page.checked, cursor: page.cursor, stoppedEarly: page.stoppedEarly };
      });
    } catch (e) {
      setFailure(readableMessage(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="ts-card ts-stack" aria-labelledby="preview-title">
      <h3 id="preview-title" style={{ margin: 0 }}>Preview</h3>
      <p className="ts-subtle" style={{ margin: 0 }}>{note}</p>
      <div className="ts-row">
        <Button onClick={() => void load(false)} isLoading={busy === 'first'} disabled={disabled || busy !== null}>Preview changes</Button>
        {shown !== null && shown.draft !== draft ? <span className="ts-subtle">The draft changed since this preview.</span> : null}
      </div>
      {failure === null ? null : <SectionMessage appearance="error" title="The preview failed">{failure}</SectionMessage>}
      {shown === null ? null : (
        <div className="ts-stack" data-testid="preview-result">
          <p style={{ margin: 0 }} role="status">
            Checked {shown.checked} {shown.checked === 1 ? 'issue' : 'issues'}
            {shown.cursor === null ? '' : ' so far'}: {shown.issues.length === 0 ? 'nothing would change.' : `${shown.issues.length} would change.`}
          </p>
          {shown.issues.map((issue, i) => <PreviewIssueTable key={`${issue.issueKey}:${i}`} issue={issue} />)}
          {shown.cursor === null ? null : (
            <div className="ts-row">
              <Button onClick={() => void load(true)} isLoading={busy === 'more'} disabled={busy !== null}>Load more</Button>
              {shown.stoppedEarly ? <span className="ts-subtle">The last page stopped early to answer in time.</span> : null}
            </div>
          )}
        </div>
      )}
    </section>
  );
}

function PreviewIssueTable({ issue }: { issue: PreviewIssue }) {
  const title = issue.remoteIssueKey === null ? issue.issueKey : `${issue.issueKey} (twin ${issue.remoteIssueKey})`;
  const rows = [
    ...issue.local.map((change) => ({ side: 'here', change })),
    ...issue.remote.map((change) => ({ side: 'other site', change })),
  ];
  return (
    <div className="ts-table-wrap">
      <table className="ts-table" aria-label={`Changes to ${issue.issueKey}`}>
        <caption className="ts-caption">{title}</caption>
        <thead>
          <tr><th scope="col">Side</th><th scope="col">Field</th><th scope="col">Before → after</th></tr>
        </thead>
        <tbody>
          {rows.map(({ side, change }, i) => (
            <tr key={i}>
              <td>{side}</td>
              <td>{change.field}</td>
              <td><ChangeValues change={change} /></td>
            </tr>
          ))}
          {issue.error === null ? null : (
            <tr>
              <td>error</td>
              <td colSpan={2} className="ts-text-danger">
                {issue.error.script} script{issue.error.line === null ? '' : `, line ${issue.error.line}`}: {issue.error.message}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
