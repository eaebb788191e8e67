import type { AccountRecord } from './storage/records';

/**
 * The sandbox's permission model, deliberately small:
 * - the site admin (`admin@<site>.test`) has every permission, global and project;
 * - other people have every project permission in every project except ADMINISTER_PROJECTS and
 *   DELETE_ALL_ATTACHMENTS (they may delete their own attachments only), and the global permissions
 *   every Jira user has by default (USER_PICKER, CREATE_SHARED_OBJECTS, BULK_CHANGE), but not
 *   ADMINISTER / SYSTEM_ADMIN;
 * - app accounts have the project permissions their (unenforced) scopes read:jira-work and
 *   write:jira-work imply, i.e. every project permission except ADMINISTER_PROJECTS, and only the
 *   global USER_PICKER.
 * There are no per-project restrictions: everyone can browse every project.
 */

export type PermissionType = 'GLOBAL' | 'PROJECT';

export interface PermissionDefinition {
  id: string;
  key: string;
  name: string;
  type: PermissionType;
  description: string;
}

const def = (id: number, key: string, name: string, type: PermissionType, description: string): PermissionDefinition => ({ id: String(id), key, name, type, description });

/** The permission keys the site knows, with Jira Cloud's ids, names and descriptions. */
export const PERMISSIONS: readonly PermissionDefinition[] = [
  def(0, 'ADMINISTER', 'Administer Jira', 'GLOBAL', 'Create and administer projects, issue types, fields, workflows, and schemes for all projects. Users with this permission can perform most administration tasks, except: managing users, importing data, and editing system email settings.'),
  def(44, 'SYSTEM_ADMIN', 'Jira System Administrators', 'GLOBAL', 'Ability to perform all administration functions. There must be at least one group with this permission.'),
  def(27, 'USER_PICKER', 'Browse users and groups', 'GLOBAL', 'View and select users or groups from the user picker, and share issues. Users with this permission can see the names of all users and groups on your site.'),
  def(22, 'CREATE_SHARED_OBJECTS', 'Share dashboards and filters', 'GLOBAL', 'Share dashboards and filters with other users.'),
  def(33, 'BULK_CHANGE', 'Make bulk changes', 'GLOBAL', 'Modify collections of issues at once. For example, resolve multiple issues in one step.'),
  def(23, 'ADMINISTER_PROJECTS', 'Administer Projects', 'PROJECT', 'Ability to administer a project in Jira.'),
  def(10, 'BROWSE_PROJECTS', 'Browse Projects', 'PROJECT', 'Ability to browse projects and the issues within them.'),
  def(11, 'CREATE_ISSUES', 'Create Issues', 'PROJECT', 'Ability to create issues.'),
  def(12, 'EDIT_ISSUES', 'Edit Issues', 'PROJECT', 'Ability to edit issues.'),
  def(13, 'ASSIGN_ISSUES', 'Assign Issues', 'PROJECT', 'Ability to assign issues to other people.'),
  def(17, 'ASSIGNABLE_USER', 'Assignable User', 'PROJECT', 'Users with this permission may be assigned to issues.'),
  def(14, 'RESOLVE_ISSUES', 'Resolve Issues', 'PROJECT', 'Ability to resolve and reopen issues. This includes the ability to set a fix version.'),
  def(18, 'CLOSE_ISSUES', 'Close Issues', 'PROJECT', 'Ability to close issues. Often useful where your developers resolve issues, and a QA department closes them.'),
  def(46, 'TRANSITION_ISSUES', 'Transition Issues', 'PROJECT', 'Ability to transition issues.'),
  def(16, 'DELETE_ISSUES', 'Delete Issues', 'PROJECT', 'Ability to delete issues.'),
  def(21, 'LINK_ISSUES', 'Link Issues', 'PROJECT', 'Ability to link issues together and create linked issues. Only useful if issue linking is turned on.'),
  def(28, 'SCHEDULE_ISSUES', 'Schedule Issues', 'PROJECT', 'Ability to view or edit an issue\'s due date.'),
  def(25, 'MOVE_ISSUES', 'Move Issues', 'PROJECT', 'Ability to move issues between projects or between workflows of the same project (if applicable). Note the user can only move issues to a project they have the create permission for.'),
  def(30, 'MODIFY_REPORTER', 'Modify Reporter', 'PROJECT', 'Ability to modify the reporter when creating or editing an issue.'),
  def(20, 'WORK_ON_ISSUES', 'Work On Issues', 'PROJECT', 'Ability to log work done against an issue. Only useful if Time Tracking is turned on.'),
  def(15, 'ADD_COMMENTS', 'Add Comments', 'PROJECT', 'Ability to comment on issues.'),
  def(34, 'EDIT_ALL_COMMENTS', 'Edit All Comments', 'PROJECT', 'Ability to edit all comments made on issues.'),
  def(35, 'EDIT_OWN_COMMENTS', 'Edit Own Comments', 'PROJECT', 'Ability to edit own comments made on issues.'),
  def(36, 'DELETE_ALL_COMMENTS', 'Delete All Comments', 'PROJECT', 'Ability to delete all comments made on issues.'),
  def(37, 'DELETE_OWN_COMMENTS', 'Delete Own Comments', 'PROJECT', 'Ability to delete own comments made on issues.'),
  def(19, 'CREATE_ATTACHMENTS', 'Create Attachments', 'PROJECT', 'Users with this permission can create attachments.'),
  def(38, 'DELETE_ALL_ATTACHMENTS', 'Delete All Attachments', 'PROJECT', 'Users with this permission may delete all attachments.'),
  def(39, 'DELETE_OWN_ATTACHMENTS', 'Delete Own Attachments', 'PROJECT', 'Users with this permission may delete own attachments.'),
];

const BY_KEY = new Map(PERMISSIONS.map((p) => [p.key, p]));

export function permissionDefinition(key: string): PermissionDefinition | undefined {
  return BY_KEY.get(key);
}

const PEOPLE_GLOBAL = new Set(['USER_PICKER', 'CREATE_SHARED_OBJECTS', 'BULK_CHANGE']);
/**
 * Project permissions no non-admin person has. Deleting other people's attachments ("*Delete all
 * attachments* … to delete an attachment created by any user", the spec's `removeAttachment`) is a
 * project administrator's in Jira's default permission scheme; no Atlassian page found says who holds
 * it by default, so the sandbox takes the harsher reading: only the site admin and apps.
 */
const NOT_FOR_PEOPLE = new Set(['ADMINISTER_PROJECTS', 'DELETE_ALL_ATTACHMENTS']);
const APP_GLOBAL = new Set(['USER_PICKER']);

/**
 * Whether `account` has permission `key` (in every project: the sandbox has no per-project
 * restrictions). `isSiteAdmin` says whether the account is the site's admin.
 */
export function hasPermission(account: AccountRecord, isSiteAdmin: boolean, key: string): boolean {
  const p = BY_KEY.get(key);
  if (!p || !account.active) return false;
  if (isSiteAdmin) return true;
  if (p.type === 'PROJECT') return key !== 'ADMINISTER_PROJECTS' && (account.accountType === 'app' || !NOT_FOR_PEOPLE.has(key));
  return (account.accountType === 'app' ? APP_GLOBAL : PEOPLE_GLOBAL).has(key);
}
