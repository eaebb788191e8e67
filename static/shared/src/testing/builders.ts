/** Resolver answers with defaults, as the `twin-sync-admin` / `twin-sync-panel` resolvers send them. */
export function makeConnection(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'c1',
    name: 'External',
    remoteSiteName: 'external',
    status: 'connected',
    direction: 'both',
    lastMessageAt: '2026-11-26T10:00:00.000Z',
    scopeJql: 'project = INT',
    conflictPolicy: 'later-wins',
    ...over,
  };
}

export function makeSyncError(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'e1',
    issueKey: 'INT-1',
    connectionId: 'c1',
    cause: 'incoming script, line 2: boom',
    attempts: 5,
    lastAttemptAt: '2026-11-26T10:00:00.000Z',
    ...over,
  };
}

export function makeTwin(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    linked: true,
    twinKey: 'CLOUD-7',
    twinUrl: 'http://127.0.0.1:7102/browse/CLOUD-7',
    connectionId: 'c1',
    connectionName: 'External',
    remoteSiteName: 'external',
    lastSyncAt: Date.now() - 60_000,
    outcome: 'applied',
    state: 'synced',
    inScope: true,
    ...over,
  };
}
