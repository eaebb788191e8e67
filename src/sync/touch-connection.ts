import type { EngineDeps } from './deps';
import type { Repo } from './state/repo';
import type { Connection } from './state/records';

/** Records the time of the last message on a connection, at most once a minute (saves storage writes). */
export async function touchConnection(deps: EngineDeps, repo: Repo, connection: Connection): Promise<void> {
  const now = deps.clock.now();
  const last = connection.lastMessageAt === null ? 0 : Date.parse(connection.lastMessageAt);
  if (now - last < 60_000) return;
  await repo.saveConnection({ ...connection, lastMessageAt: new Date(now).toISOString() });
}
