// The handlers named in manifest.yml, and nothing else.
export { onIssueEvent } from './entry/on-issue-event';
export { inbox } from './entry/inbox';
export { syncWorker } from './entry/sync-worker';
export { sweeper } from './entry/sweeper';
export { adminResolver } from './entry/admin';
export { panelResolver } from './entry/panel';
