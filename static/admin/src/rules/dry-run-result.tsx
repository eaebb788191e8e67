import type { DryRun, RuleError, RulesLog } from '../../../shared/src/api/admin-api';
import { FieldChangeList } from '../changes/field-changes';

function logLine(log: RulesLog): string {
  return log.level === 'log' ? log.message : `${log.level}: ${log.message}`;
}

/** the errors of both scripts of a dry run */
function dryRunErrors(dry: DryRun): RuleError[] {
  return [dry.outgoing.error, dry.incoming.error].filter((e) => e !== null);
}

/** A dry run, readable: what the replica carries differently from the issue, what an incoming replica would change here, warnings; the raw replica on demand. */
export function DryRunResult({ dryRun }: { dryRun: DryRun }) {
  const errors = dryRunErrors(dryRun);
  const logs = [...dryRun.outgoing.logs, ...dryRun.incoming.logs];
  return (
    <div className="ts-stack" data-testid="dry-run-result">
      <div className="ts-grid-2">
        <div className="ts-stack" style={{ gap: 4 }}>
          <h4 style={{ margin: 0 }}>Sent to the other site</h4>
          {dryRun.outgoing.replica === null ? <p className="ts-subtle" style={{ margin: 0 }}>No replica: the outgoing script failed.</p> : (
            <FieldChangeList changes={dryRun.outgoing.changes} label="Replica differences" empty="The replica carries the issue’s values as they are." />
          )}
        </div>
        <div className="ts-stack" style={{ gap: 4 }}>
          <h4 style={{ margin: 0 }}>Changes an incoming replica would make here</h4>
          <FieldChangeList changes={dryRun.incoming.changes} label="Local changes" empty="Nothing would change here." />
          {dryRun.incoming.syncBack ? <p className="ts-subtle" style={{ margin: 0 }}>The issue would then be sent back.</p> : null}
          {dryRun.incoming.unlink ? <p className="ts-subtle" style={{ margin: 0 }}>The rules would unlink the issue.</p> : null}
        </div>
      </div>
      {dryRun.incoming.warnings.length === 0 ? null : (
        <div className="ts-message ts-message--warning">
          <ul className="ts-change-list" aria-label="Dry run warnings">
            {dryRun.incoming.warnings.map((w, i) => <li key={i}>{w}</li>)}
          </ul>
        </div>
      )}
      {errors.length === 0 ? null : (
        <div role="alert" className="ts-message ts-message--error">
          <ul className="ts-error-list" aria-label="Dry run errors">
            {errors.map((e, i) => <li key={i}>{e.script} script{e.line === null ? '' : `, line ${e.line}`}: {e.message}</li>)}
          </ul>
        </div>
      )}
      {logs.length === 0 ? null : (
        <div className="ts-stack" style={{ gap: 4 }}>
          <h4 style={{ margin: 0 }}>Script output</h4>
          <pre className="ts-code-block">{logs.map(logLine).join('\n')}</pre>
        </div>
      )}
      {dryRun.outgoing.replica === null ? null : (
        <details>
          <summary>Show the replica</summary>
          <pre className="ts-code-block" data-testid="dry-run-replica">{JSON.stringify(dryRun.outgoing.replica, null, 2)}</pre>
        </details>
      )}
    </div>
  );
}
