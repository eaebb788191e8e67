import { Lozenge, type LozengeAppearance } from '../../../shared/src/ui/lozenge';

const known: { match: RegExp; label: string; appearance: LozengeAppearance }[] = [
  { match: /^(connected|active|ok)$/i, label: 'Connected', appearance: 'success' },
  { match: /^(waiting|pending|invited|waiting[-_ ]for[-_ ].*)$/i, label: 'Waiting for the other side', appearance: 'moved' },
  { match: /^(failing|failed|error|broken)$/i, label: 'Failing', appearance: 'removed' },
  { match: /^closed$/i, label: 'Ended by the other site', appearance: 'default' },
];

/**
 * The status word of a connection as a lozenge: connected / waiting for the other side / failing /
 * ended by the other site (it deleted the connection; delete it here too, or invite again).
 * A connected connection whose messages keep failing to reach the other side (`failingIssues`
 * transient errors) shows as failing.
 */
export function ConnectionStatus({ status, failingIssues = 0 }: { status: string; failingIssues?: number }) {
  const connected = known[0]?.match.test(status) === true;
  const hit = connected && failingIssues > 0 ? known[2] : known.find((k) => k.match.test(status));
  return hit === undefined ? <Lozenge>{status}</Lozenge> : <Lozenge appearance={hit.appearance}>{hit.label}</Lozenge>;
}
