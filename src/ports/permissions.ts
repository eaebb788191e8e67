/**
 * What the user who invoked a resolver may do on the local Jira site. Every answer is asked of
 * Jira as that user, at the time of the call: nothing is cached across invocations, because
 * permissions change (a user leaves the admin group, an issue moves to a restricted project).
 */
export interface PermissionsPort {
  /** the calling user has Jira's global ADMINISTER permission (a Jira administrator) */
  isJiraAdmin(): Promise<boolean>;
  /** the calling user can see the issue (false when Jira hides it from them or it does not exist) */
  canBrowseIssue(issueId: string): Promise<boolean>;
  /** the calling user has EDIT_ISSUES on the issue (false when it is not visible to them) */
  canEditIssue(issueId: string): Promise<boolean>;
}
