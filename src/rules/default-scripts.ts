import { DEFAULT_RULES_CONFIG, type DefaultRulesConfig } from '../model/connection';

/**
 * The default sync rules, as scripts: what a connection runs while no admin saved scripts of its
 * own (src/rules/builtin/provider.ts runs them in QuickJS, like any saved script), and what the
 * rules editor starts from. They are the only implementation of the default rules.
 */

/**
 * What the default scripts take from the connection's rules configuration (`rulesConfig`, see
 * src/model/connection.ts): the target project for new twins, whether a first sync syncs back, and
 * the custom field receiving the remote key. (`commentAttribution` is applied by the sync engine
 * after the rules ran, so the scripts do not see it.)
 */
export type DefaultScriptsConfig = Pick<DefaultRulesConfig, 'targetProjectKey' | 'syncBackOnFirstSync' | 'remoteKeyField'>;

export const DEFAULT_SCRIPTS_CONFIG: DefaultScriptsConfig = DEFAULT_RULES_CONFIG;

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
// the Mappings tab's outgoing rows: a value here sent as the other site's value (unmapped: as it is)
const send = (table, value) => (value == null ? value : mappings[table].toRemote(value) ?? value);
const sendPerson = (u) => (u == null ? u : { ...u, accountId: mappings.users.toRemote(u.accountId) ?? u.accountId });

replica.projectKey = send("project", issue.projectKey);
replica.summary = issue.summary;
replica.description = issue.description;
replica.type = send("issueType", issue.typeName ?? "Task");
replica.priority = send("priority", issue.priority?.name);
replica.labels = issue.labels;
replica.status = { name: send("status", issue.status?.name ?? "Open"), category: null };
replica.resolution = send("resolution", issue.resolution?.name);
replica.dueDate = issue.dueDate;
replica.assignee = sendPerson(issue.assignee);
replica.reporter = sendPerson(issue.reporter);
replica.comments = issue.comments;
replica.attachments = issue.attachments; // the files travel in parts, fetched by the other site
replica.parent = issue.parent;
replica.links = issue.links;
replica.components = issue.components;
replica.fixVersions = issue.fixVersions;
for (const [name, field] of Object.entries(issue.customFields)) {
  if (remoteKeyField !== null && name.toLowerCase() === remoteKeyField.toLowerCase()) continue;
  const sentAs = mappings.fields.toRemote(name); // null: not sent; undefined: by its own name
  if (sentAs === null) continue;
  const isPerson = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && typeof v.accountId === "string";
  let value = mappings.options(name).toRemoteValue(field.value);
  if (isPerson(value)) value = sendPerson(value);
  else if (Array.isArray(value) && value.every(isPerson)) value = value.map(sendPerson);
  replica.customFields[sentAs ?? name] = { value };
}
`;
}

export function defaultIncomingScript(config: DefaultScriptsConfig = DEFAULT_SCRIPTS_CONFIG): string {
  return `// Incoming rules: apply the replica received from the other site to the local issue.
const targetProjectKey = ${literal(config.targetProjectKey)}; // null: the remote's project key if it exists here, else the first project
const syncBackOnFirstSync = ${literal(config.syncBackOnFirstSync)};
const remoteKeyField = ${literal(config.remoteKeyField)}; // receives the remote issue key; null: none
const sameName = (a, b) => a != null && b != null && a.toLowerCase() === b.toLowerCase();
// the Mappings tab's incoming rows first (a row's value that is gone here counts for nothing), then
// the value of the same name here; null: neither
const receive = (table, value, find) => {
  const mapped = mappings[table].toLocal(value);
  return (mapped ? find(mapped)?.name : null) ?? find(value)?.name ?? null;
};

if (firstSync) {
  const projects = nodeHelper.getProjects();
  // the Mappings tab's project row, then the connection's target project, then the remote's own key
  issue.projectKey = mappings.project.toLocal(replica.projectKey) ?? targetProjectKey ?? projects.find((p) => p === replica.projectKey) ?? projects[0] ?? replica.projectKey;
  const type = receive("issueType", replica.type.name, (name) => nodeHelper.getIssueType(name, issue.projectKey));
  issue.typeName = type ?? nodeHelper.getIssueType("Task", issue.projectKey)?.name ?? "Task";
  if (!type) mappings.unmapped("issueType", replica.type.name, { note: \`created as \${issue.typeName}\` });
  issue.reporter = nodeHelper.mapUser(replica.reporter, "reporter");
  if (syncBackOnFirstSync) syncHelper.syncBackAfterProcessing();
}

// the parent's twin here; a new child waits until its parent is synced (never created without it);
// a twin whose new parent is not synced here keeps its parent (it may never be: out of scope)
if (replica.parent === null) {
  issue.parent = null;
} else if (nodeHelper.getLocalIssue(replica.parent)) {
  issue.parent = nodeHelper.getLocalIssue(replica.parent);
} else if (firstSync) {
  syncHelper.waitFor(replica.parent.key, \`its parent \${replica.parent.key} is not synced here yet\`);
} else {
  console.warn(\`the parent \${replica.parent.key} is not synced here; kept the local parent\`);
}

// links to the other synced issues; links to issues this connection does not sync stay as they are
// (a type this site lacks is reported by the sync, and such links are left out)
issue.links = replica.links
  .filter((l) => nodeHelper.getLocalIssue(l.issue))
  .map((l) => ({ type: nodeHelper.getLinkType(l.type)?.name ?? l.type, direction: l.direction, issue: nodeHelper.getLocalIssue(l.issue) }));

issue.components = [...replica.components];
issue.fixVersions = [...replica.fixVersions];

issue.summary = replica.summary;
issue.description = replica.description;

// a value neither mapped nor found here keeps the local one (a warning on the issue, listed on the Mappings tab)
if (replica.priority === null) {
  issue.priority = null;
} else {
  const priority = receive("priority", replica.priority.name, nodeHelper.getPriority);
  if (priority) issue.priority = priority;
  else mappings.unmapped("priority", replica.priority.name);
}

issue.labels = [...replica.labels];

const status = receive("status", replica.status.name, nodeHelper.getStatus);
if (status) issue.status = status;
else mappings.unmapped("status", replica.status.name);

if (replica.resolution == null) {
  issue.resolution = null;
} else {
  const resolution = receive("resolution", replica.resolution.name, nodeHelper.getResolution);
  if (resolution) issue.resolution = resolution;
  else mappings.unmapped("resolution", replica.resolution.name);
}

issue.dueDate = replica.dueDate;

// people: the mapping table, the same account, the visible email, then the connection's fallback
issue.assignee = nodeHelper.mapUser(replica.assignee, "assignee");

// custom fields by name (the Mappings tab's field rows first), values by value (its option rows
// first; an option the field here lacks is a warning, not a write)
for (const [name, field] of Object.entries(replica.customFields)) {
  if (sameName(name, remoteKeyField)) continue;
  const target = mappings.fields.toLocal(name); // null: not synced here; undefined: the field of the same name
  if (target === null) continue;
  const local = nodeHelper.getCustomField(target ?? name);
  if (!local) {
    const empty = field.value === null || (Array.isArray(field.value) && field.value.length === 0);
    if (!empty) mappings.unmapped("fields", name, { note: "not synced (map it to a field here, or to none)" });
    continue;
  }
  let value = mappings.options(local.name).toLocalValue(field.value);
  const isUser = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && typeof v.accountId === "string";
  if ((local.kind === "user" && value !== null && !isUser(value)) || (local.kind === "users" && value !== null && !Array.isArray(value))) {
    console.warn(\`\${local.name}: the other site's value is not a person here; kept the local one\`);
    continue;
  }
  if (local.kind === "user") value = nodeHelper.mapUser(value, local.name);
  if (local.kind === "users") {
    const mapped = (value ?? []).filter(isUser).map((u) => nodeHelper.mapUser(u, local.name)).filter((u) => u !== null);
    value = mapped.filter((u, i) => mapped.findIndex((x) => x.accountId === u.accountId) === i);
  }
  issue.customFields[local.name] = { value };
}
if (remoteKeyField !== null && nodeHelper.getCustomField(remoteKeyField)) {
  // With three or more sites, the connections may share the field: it lists each twin's key
  // ("EXT-1, PART-4"), this one's kept in its place (or put in the place of its former key)
  const keyField = nodeHelper.getCustomField(remoteKeyField).name;
  const held = issue.customFields[keyField] ? issue.customFields[keyField].value : null;
  const keys = typeof held === "string" ? held.split(",").map((k) => k.trim()).filter((k) => /^[A-Z][A-Z0-9_]*-[1-9][0-9]*$/.test(k)) : [];
  const former = previous !== null && previous.key !== replica.key ? keys.indexOf(previous.key) : -1;
  if (former >= 0) keys[former] = replica.key;
  else if (!keys.includes(replica.key)) keys.push(replica.key);
  issue.customFields[keyField] = { value: keys.filter((k, i) => keys.indexOf(k) === i).join(", ") };
}

issue.comments = commentHelper.mergeComments(issue, replica);
issue.attachments = attachmentHelper.mergeAttachments(issue, replica);
`;
}

export function defaultScripts(config: DefaultScriptsConfig = DEFAULT_SCRIPTS_CONFIG): RulesScripts {
  return { outgoing: defaultOutgoingScript(config), incoming: defaultIncomingScript(config) };
}

/** The default scripts for one of the seed's sites. */
export function roleScripts(role: SiteRole): RulesScripts {
  return defaultScripts(ROLE_CONFIGS[role]);
}
