/**
 * The default sync rules as scripts: what a new connection starts with. They do exactly what the
 * built-in TypeScript rules (src/rules/builtin) do for the same configuration; a test runs a table
 * of inputs through both and expects identical results.
 */

/** Same shape as the connection's built-in rules configuration (DefaultRulesConfig in sync/state). */
export interface DefaultScriptsConfig {
  /** project for new twins; null = the project with the remote's key if it exists here, else the first project */
  targetProjectKey: string | null;
  /** call syncBackAfterProcessing() when a twin is created */
  syncBackOnFirstSync: boolean;
  /** text custom field receiving the remote issue key; null = none */
  remoteKeyField: string | null;
}

export const DEFAULT_SCRIPTS_CONFIG: DefaultScriptsConfig = {
  targetProjectKey: null,
  syncBackOnFirstSync: true,
  remoteKeyField: 'Remote issue key',
};

/** The seed's two sites: "external" creates twins in CLOUD and syncs back; "internal" records the remote key. */
export type SiteRole = 'external' | 'internal';

export const ROLE_CONFIGS: Record<SiteRole, DefaultScriptsConfig> = {
  external: { targetProjectKey: 'CLOUD', syncBackOnFirstSync: true, remoteKeyField: 'Remote issue key' },
  internal: { targetProjectKey: null, syncBackOnFirstSync: true, remoteKeyField: 'Remote issue key' },
};

export interface RulesScripts {
  outgoing: string;
  incoming: string;
}

const literal = (value: string | boolean | null): string => JSON.stringify(value);

export function defaultOutgoingScript(config: DefaultScriptsConfig = DEFAULT_SCRIPTS_CONFIG): string {
  return `// Outgoing rules: fill the replica sent to the other site from the local issue.
const remoteKeyField = ${literal(config.remoteKeyField)}; // not sent: it holds the other site's key

replica.summary = issue.summary;
replica.description = issue.description;
replica.type = issue.typeName ?? "Task";
replica.priority = issue.priority;
replica.labels = issue.labels;
replica.status = { name: issue.status?.name ?? "Open", category: null };
replica.dueDate = issue.dueDate;
replica.assignee = issue.assignee;
replica.reporter = issue.reporter;
replica.comments = issue.comments;
for (const [name, field] of Object.entries(issue.customFields)) {
  if (remoteKeyField !== null && name.toLowerCase() === remoteKeyField.toLowerCase()) continue;
  replica.customFields[name] = { value: field.value };
}
`;
}

export function defaultIncomingScript(config: DefaultScriptsConfig = DEFAULT_SCRIPTS_CONFIG): string {
  return `// Incoming rules: apply the replica received from the other site to the local issue.
const targetProjectKey = ${literal(config.targetProjectKey)}; // null: the remote's project key if it exists here, else the first project
const syncBackOnFirstSync = ${literal(config.syncBackOnFirstSync)};
const remoteKeyField = ${literal(config.remoteKeyField)}; // receives the remote issue key; null: none
const sameName = (a, b) => a != null && b != null && a.toLowerCase() === b.toLowerCase();

if (firstSync) {
  const projects = nodeHelper.getProjects();
  issue.projectKey = targetProjectKey ?? projects.find((p) => p === replica.projectKey) ?? projects[0] ?? replica.projectKey;
  issue.typeName = nodeHelper.getIssueType(replica.type.name, issue.projectKey)?.name
    ?? nodeHelper.getIssueType("Task", issue.projectKey)?.name
    ?? "Task";
  issue.reporter = nodeHelper.getUserByEmail(replica.reporter?.email);
  if (syncBackOnFirstSync) syncHelper.syncBackAfterProcessing();
}

issue.summary = replica.summary;
issue.description = replica.description;

if (replica.priority === null) {
  issue.priority = null;
} else if (nodeHelper.getPriority(replica.priority.name)) {
  issue.priority = nodeHelper.getPriority(replica.priority.name).name;
} else {
  console.warn(\`priority "\${replica.priority.name}" does not exist here; kept the local one\`);
}

issue.labels = [...replica.labels];

if (nodeHelper.getStatus(replica.status.name)) {
  issue.status = nodeHelper.getStatus(replica.status.name).name;
} else {
  console.warn(\`status "\${replica.status.name}" does not exist here; kept the local one\`);
}

issue.dueDate = replica.dueDate;

if (replica.assignee === null) {
  issue.assignee = null;
} else {
  const assignee = nodeHelper.getUserByEmail(replica.assignee.email);
  if (assignee) issue.assignee = assignee;
}

for (const [name, field] of Object.entries(replica.customFields)) {
  if (sameName(name, remoteKeyField)) continue;
  const local = nodeHelper.getCustomField(name);
  if (local) issue.customFields[local.name] = { value: field.value };
}
if (remoteKeyField !== null && nodeHelper.getCustomField(remoteKeyField)) {
  issue.customFields[nodeHelper.getCustomField(remoteKeyField).name].value = replica.key;
}

issue.comments = commentHelper.mergeComments(issue, replica);
`;
}

export function defaultScripts(config: DefaultScriptsConfig = DEFAULT_SCRIPTS_CONFIG): RulesScripts {
  return { outgoing: defaultOutgoingScript(config), incoming: defaultIncomingScript(config) };
}

/** The default scripts for one of the seed's sites. */
export function roleScripts(role: SiteRole): RulesScripts {
  return defaultScripts(ROLE_CONFIGS[role]);
}
