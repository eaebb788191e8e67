import { JiraError } from '../ports/jira';
import { RulesError } from '../ports/rules';
import { StoreError } from '../ports/store';
import { QueueError } from '../ports/queue';
import { classify, DEFAULT_RETRY_POLICY, PermanentError, retryDelaySeconds, TransientError } from './errors';

describe('classify', () => {
  it.each([
    ['network', new JiraError('socket hang up', 0), 'transient'],
    ['500', new JiraError('boom', 500), 'transient'],
    ['503', new JiraError('unavailable', 503), 'transient'],
    ['429', new JiraError('slow down', 429, 30), 'transient'],
    ['KVS quota (429 RATE_LIMIT_EXCEEDED)', new StoreError('Rate limit exceeded', 429, 'RATE_LIMIT_EXCEEDED'), 'transient'],
    ['KVS 500', new StoreError('internal', 500, 'INTERNAL_SERVER_ERROR'), 'transient'],
    ['KVS value too large', new StoreError('too big', 400, 'MAX_SIZE'), 'permanent'],
    ['the other site throttles (429)', new TransientError('remote site answered 429', 2, 429), 'transient'],
    ['Forge event quota', new QueueError('Forge refused the push: rate limit', true), 'transient'],
    ['400', new JiraError('bad field', 400), 'permanent'],
    ['404', new JiraError('gone', 404), 'permanent'],
    ['rules', new RulesError('boom', 'incoming', 3, 4), 'permanent'],
    ['transient', new TransientError('x'), 'transient'],
    ['permanent', new PermanentError('x'), 'permanent'],
    ['bug', new TypeError('x is undefined'), 'permanent'],
  ])('%s → %s', (_name, error, kind) => {
    expect(classify(error).kind).toBe(kind);
  });

  it.each([
    ['Jira 429', new JiraError('slow down', 429, 30), true],
    ['KVS RATE_LIMIT_EXCEEDED', new StoreError('Rate limit exceeded', 429, 'RATE_LIMIT_EXCEEDED'), true],
    ['the other site 429', new TransientError('remote site answered 429', null, 429), true],
    ['Jira 503', new JiraError('unavailable', 503, 5), false],
    ['network', new TransientError('could not reach'), false],
  ])('%s is throttling: %s (retried without using up attempts)', (_name, error, throttled) => {
    expect(classify(error).throttled).toBe(throttled);
  });

  it('names the line of a rules error', () => {
    expect(classify(new RulesError('boom', 'incoming', 3, 4)).message).toBe('incoming rules (line 3:4): boom');
  });
});

describe('retryDelaySeconds', () => {
  it.each([
    [0, null, 5],
    [1, null, 10],
    [3, null, 40],
    [20, null, 900],
    [0, 60, 60],
    [0, 5000, 900],
    [3, 1, 1],
    [5, 2.5, 3],
  ])('attempt %i, Retry-After %s → %i s', (attempt, retryAfter, delay) => {
    expect(retryDelaySeconds(DEFAULT_RETRY_POLICY, attempt, retryAfter)).toBe(delay);
  });
});
