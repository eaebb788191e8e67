import { Lozenge, type LozengeAppearance } from '../../../shared/src/ui/lozenge';

const known: { match: RegExp; label: string; appearance: LozengeAppearance }[] = [
  { match: /^(connected|active|ok)$/i, label: 'Connected', appearance: 'success' },
  { match: /^(waiting|pending|invited|waiting[-_ ]for[-_ ].*)$/i, label: 'Waiting for the other side', appearance: 'moved' },
  { match: /^(failing|failed|error|broken)$/i, label: 'Failing', appearance: 'removed' },
];

/** The status word of a connection as a lozenge: connected / waiting for the other side / failing. */
export function ConnectionStatus({ status }: { status: string }) {
  const hit = known.find((k) => k.match.test(status));
  return hit === undefined ? <Lozenge>{status}</Lozenge> : <Lozenge appearance={hit.appearance}>{hit.label}</Lozenge>;
}
