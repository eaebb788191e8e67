import { hasPermission, PERMISSIONS } from './permissions';
import type { AccountRecord } from './storage/records';

const person: AccountRecord = { accountId: 'p', email: 'p@x.test', displayName: 'P', accountType: 'atlassian', apiToken: 't', active: true, emailVisibility: 'public', appName: null };
const app: AccountRecord = { ...person, accountId: 'a', accountType: 'app' };

describe('the sandbox permission model', () => {
  it.each([
    ['the site admin', person, true, 'ADMINISTER', true],
    ['the site admin', person, true, 'ADMINISTER_PROJECTS', true],
    ['a person', person, false, 'ADMINISTER', false],
    ['a person', person, false, 'SYSTEM_ADMIN', false],
    ['a person', person, false, 'USER_PICKER', true],
    ['a person', person, false, 'BROWSE_PROJECTS', true],
    ['a person', person, false, 'EDIT_ISSUES', true],
    ['a person', person, false, 'ADMINISTER_PROJECTS', false],
    ['an app', app, false, 'ADMINISTER', false],
    ['an app', app, false, 'BULK_CHANGE', false],
    ['an app', app, false, 'TRANSITION_ISSUES', true],
    ['a person', person, false, 'CREATE_ATTACHMENTS', true],
    ['a person', person, false, 'DELETE_OWN_ATTACHMENTS', true],
    ['a person', person, false, 'DELETE_ALL_ATTACHMENTS', false],
    ['an app', app, false, 'DELETE_ALL_ATTACHMENTS', true],
    ['the site admin', person, true, 'DELETE_ALL_ATTACHMENTS', true],
    ['an inactive admin', { ...person, active: false }, true, 'BROWSE_PROJECTS', false],
    ['the site admin, unknown key', person, true, 'NOT_A_PERMISSION', false],
  ])('%s: %s → %s', (_who, account, admin, key, expected) => {
    expect(hasPermission(account, admin, key)).toBe(expected);
  });

  it('has unique ids and keys', () => {
    expect(new Set(PERMISSIONS.map((p) => p.id)).size).toBe(PERMISSIONS.length);
    expect(new Set(PERMISSIONS.map((p) => p.key)).size).toBe(PERMISSIONS.length);
  });
});
