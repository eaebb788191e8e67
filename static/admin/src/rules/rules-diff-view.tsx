import type { RulesDiff } from '../../../shared/src/api/admin-api';

const OP_CLASS = { ' ': '', '-': ' ts-diff-line--del', '+': ' ts-diff-line--add' } as const;

/** What a version changed: each script as a unified diff (+ added, - removed), and the mapping rows added and removed. */
export function RulesDiffView({ diff }: { diff: RulesDiff }) {
  const against = diff.against === 0 ? 'the defaults' : `version ${diff.against}`;
  const scripts = (['outgoing', 'incoming'] as const).filter((s) => diff[s].some((l) => l.op !== ' '));
  return (
    <div className="ts-stack" aria-label={`Changes of version ${diff.version}`} role="region">
      <div className="ts-message-title">Version {diff.version} against {against}</div>
      {scripts.length === 0 && diff.mappings.length === 0 ? <p className="ts-subtle" style={{ margin: 0 }}>No changes.</p> : null}
      {scripts.map((script) => (
        <div key={script} className="ts-stack" style={{ gap: 4 }}>
          <h4 style={{ margin: 0 }}>{script === 'outgoing' ? 'Outgoing script' : 'Incoming script'}</h4>
          <pre className="ts-diff ts-mono" aria-label={`${script} script diff`}>
            {diff[script].map((line, i) => (
              <span key={i} className={`ts-diff-line${OP_CLASS[line.op]}`} data-op={line.op}>{line.op} {line.text}{'\n'}</span>
            ))}
          </pre>
        </div>
      ))}
      {diff.mappings.length === 0 ? null : (
        <div className="ts-stack" style={{ gap: 4 }}>
          <h4 style={{ margin: 0 }}>Mapping rows</h4>
          <div className="ts-table-wrap">
            <table className="ts-table" aria-label={`Mapping rows changed in version ${diff.version}`}>
              <thead>
                <tr><th scope="col">Change</th><th scope="col">Table</th><th scope="col">Here</th><th scope="col">Other site</th><th scope="col">Direction</th></tr>
              </thead>
              <tbody>
                {diff.mappings.map((row, i) => (
                  <tr key={i} className={row.op === '+' ? 'ts-diff-line--add' : 'ts-diff-line--del'}>
                    <td>{row.op === '+' ? '+ added' : '- removed'}</td>
                    <td>{row.field === null ? row.table : `${row.table}: ${row.field}`}</td>
                    <td>{row.local ?? '(not synced here)'}</td>
                    <td>{row.remote ?? '(not sent)'}</td>
                    <td>{row.direction}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
