import type { Connection, Direction } from '../../../shared/src/api/admin-api';

/** how a connection's changes flow, seen from this site: the arrow and the words */
const directionShown: Record<Direction, { arrow: string; text: string }> = {
  both: { arrow: '↔', text: 'both ways' },
  'send-only': { arrow: '→', text: 'sent from here only' },
  'receive-only': { arrow: '←', text: 'received here only' },
};

const statusText: Record<Connection['status'], string> = {
  active: 'active',
  pending: 'waiting for the other side',
  closed: 'ended by the other site',
};

export const RELAY_NOTE = 'Changes arriving from one site are passed on to the others (relayed), so every site in a group of connected sites gets each change once.';

/**
 * The Connections tab's "Topology" card: this site in the middle and, one line each, the site at
 * the other end of each connection with the connection's status and direction, in words
 * ("This site ↔ external — active, both ways"). With two or more active connections this site
 * relays changes between them, and the card says so. Nothing is shown without connections (the
 * connection list says there is none yet).
 */
export function TopologyCard({ connections, siteName = null }: { connections: Connection[]; siteName?: string | null }) {
  if (connections.length === 0) return null;
  const here = siteName ?? 'This site';
  const active = connections.filter((c) => c.status === 'active').length;
  return (
    <section className="ts-card ts-stack" aria-labelledby="ts-topology-title" style={{ gap: 8 }}>
      <h3 id="ts-topology-title" style={{ margin: 0 }}>Topology</h3>
      <ul aria-label={`Sites connected to ${here}`} className="ts-stack" style={{ margin: 0, paddingLeft: 0, listStyle: 'none', gap: 4 }}>
        {connections.map((c) => {
          const shown = directionShown[c.direction];
          const other = c.remoteSiteName ?? c.name;
          return (
            <li key={c.id} data-testid={`topology-${c.id}`} className={c.status === 'active' ? undefined : 'ts-subtle'}>
              <strong>{here}</strong> {shown.arrow} <strong>{other}</strong> — {statusText[c.status]}, {shown.text}
            </li>
          );
        })}
      </ul>
      {active >= 2 ? <p className="ts-subtle" style={{ margin: 0 }}>{RELAY_NOTE}</p> : null}
    </section>
  );
}
