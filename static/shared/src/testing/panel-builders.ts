import * as z from 'zod/mini';
import { panelResults, type PanelResults } from '../../../../src/contracts/panel-results';
import { TwinStateSchema, type TwinState } from '../../../../src/contracts/result-fields';
import { makeTwinState } from './builders';

/*
 * The issue panel's answers in the states the panel must put in words, for the component tests.
 * Each builder's type is its function's result contract (src/contracts/panel-results.ts,
 * TwinStateSchema in src/contracts/result-fields.ts) and what it builds is parsed with it; the texts
 * are shaped as the engine writes them (an error's cause is `classify`'s message,
 * src/sync/errors.ts: `<script> rules (line L:C): <name>: <message>` for a rule that threw).
 */

const AT = '2026-11-26T10:00:00.000Z';

/** an outgoing rule's refusal, as the engine records it */
export const OUTGOING_RULE_CAUSE = 'outgoing rules (line 19:11): Error: boom label not allowed';
/** the other site's incoming rule refusal, as its signed outcome reports it */
export const INCOMING_RULE_REASON = 'incoming rules (line 2:9): Error: no project for boom issues';

/** the twin on c1 blocked by an error here (`cause`): the twin exists, the last change did not reach it */
export function makeFailedTwin(cause = OUTGOING_RULE_CAUSE, over: Partial<TwinState> = {}): TwinState {
  return z.parse(TwinStateSchema, makeTwinState({ state: 'error', error: { id: 'e1', cause }, ...over }));
}

/** a sync refused here before the issue had a twin: no key, no URL, never synced (getTwins' row for an error without a link) */
export function makeRefusedBeforeTwin(cause = OUTGOING_RULE_CAUSE, over: Partial<TwinState> = {}): TwinState {
  return makeFailedTwin(cause, { remoteIssueKey: null, remoteIssueUrl: null, lastSyncAt: null, ...over });
}

/** the twin on c1 whose site could not apply our last change (`reason`, said at `at`) */
export function makeRemoteFailedTwin(reason = INCOMING_RULE_REASON, at = AT, over: Partial<TwinState> = {}): TwinState {
  return z.parse(TwinStateSchema, makeTwinState({ state: 'remote-error', remoteError: { reason, at }, ...over }));
}

/** a first sync sent a minute ago, the other site has not answered with its twin yet */
export function makeAwaitedTwin(over: Partial<TwinState> = {}): TwinState {
  return z.parse(TwinStateSchema, makeTwinState({ state: 'pending', remoteIssueKey: null, remoteIssueUrl: null, ...over }));
}

/** the panel's retry: the issue's error was found and `events` items queued again (`retried: false`, none: nothing blocked it) */
export function makePanelRetried(over: Partial<PanelResults['retry']> = {}): PanelResults['retry'] {
  const retried = over.retried ?? true;
  return z.parse(panelResults.retry, { retried, events: retried ? 1 : 0, ...over });
}
