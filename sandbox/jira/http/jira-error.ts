/** An error answered with Jira's error shape `{errorMessages: [], errors: {field: message}}`. */
export class JiraError extends Error {
  constructor(
    readonly status: number,
    readonly errorMessages: string[],
    readonly errors: Record<string, string> = {},
  ) {
    super(errorMessages[0] ?? Object.values(errors)[0] ?? `HTTP ${status}`);
    this.name = 'JiraError';
  }

  body(): { errorMessages: string[]; errors: Record<string, string> } {
    return { errorMessages: this.errorMessages, errors: this.errors };
  }

  static badRequest(message: string): JiraError {
    return new JiraError(400, [message]);
  }
  static fields(errors: Record<string, string>): JiraError {
    return new JiraError(400, [], errors);
  }
  static notFound(message: string): JiraError {
    return new JiraError(404, [message]);
  }
  static issueNotFound(): JiraError {
    return new JiraError(404, ['Issue does not exist or you do not have permission to see it.']);
  }
}
