import type { Connection } from '../../../shared/src/api/admin-api';
import { Lozenge, type LozengeAppearance } from '../../../shared/src/ui/lozenge';

interface Shown {
  label: string;
  appearance: LozengeAppearance;
}

const statusLozenge: Record<Connection['status'], Shown> = {
  active: { label: 'Connected', appearance: 'success' },
  pending: { label: 'Waiting for the other side', appearance: 'moved' },
  closed: { label: 'Ended by the other site', appearance: 'default' },
};
const failing: Shown = { label: 'Failing', appearance: 'removed' };

/**
 * The status of a connection as a lozenge: connected / waiting for the other side (the invitation
 * was not accepted yet) / ended by the other site (it deleted the connection; delete it here too,
 * or invite again). A connected connection whose messages keep failing to reach the other side
 * (`failingIssues` transient errors) shows as failing.
 */
export function ConnectionStatus({ status, failingIssues = 0 }: { status: Connection['status']; failingIssues?: number }) {
  const shown = status === 'active' && failingIssues > 0 ? failing : statusLozenge[status];
  return <Lozenge appearance={shown.appearance}>{shown.label}</Lozenge>;
}
