/**
 * The script API, as JavaScript evaluated inside the QuickJS sandbox before the user's script.
 *
 * Evaluated once per context, it defines the read-only globals (`issue`, `replica`, `previous`,
 * `firstSync`, `nodeHelper`, `syncHelper`, `commentHelper`, `attachmentHelper`,
 * `syncBackAfterProcessing`, `console`),
 * freezes the language (see lockdown) and evaluates to `begin(inputJson) => { finish, logs }`.
 * Each run calls begin with its input as one JSON string, then the user's script, then `finish()`,
 * which returns the run's result as one JSON string. No host function is exposed to the guest:
 * data crosses the boundary only as JSON strings.
 *
 * Kept as a string (not a compiled function) so that no build step or coverage instrumentation
 * can change what runs in the sandbox.
 */
export const GUEST_API_FILENAME = 'twin-sync-api.js';

export const GUEST_API_SOURCE = String.raw`(function () {
'use strict';
// the run in progress: set by begin(), read by the helpers and the global accessors
let input, incoming, md, run, current = null;
// the run's attachments as the engine gave them, before the script could change anything
let ownFiles, remoteFiles;
const G = globalThis, O = Object, keys = O.keys, isArray = Array.isArray, freeze = O.freeze;
const def = (o, k, d) => O.defineProperty(o, k, d);
const stringify = JSON.stringify, getProto = O.getPrototypeOf, ObjProto = O.prototype;
const hasOwn = (o, k) => ObjProto.hasOwnProperty.call(o, k);
const views = new WeakMap();
const lower = (s) => String(s).toLowerCase();
const kind = (v) => v === null ? 'null' : v === undefined ? 'undefined' : isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : 'a ' + typeof v;
const quoteList = (names) => names.length ? names.map((n) => '"' + n + '"').join(', ') : '(none)';

// Deep copy of a JSON value; anything that cannot be synced is an error naming where it is.
function copy(v, path, seen) {
  if (v === undefined) return null;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!isFinite(v)) throw new TypeError(path + ' is ' + v + ': only finite numbers can be synced');
    return v;
  }
  if (typeof v !== 'object') throw new TypeError(path + ' is ' + kind(v) + ': only JSON values (strings, numbers, booleans, null, arrays, plain objects) can be synced');
  const view = views.get(v);
  if (view) return copy(view(), path, seen);
  seen = seen || [];
  if (seen.indexOf(v) >= 0) throw new TypeError(path + ' refers to itself (a cycle): only JSON values can be synced');
  if (seen.length > 64) throw new TypeError(path + ' is nested more than 64 levels deep');
  seen.push(v);
  let out;
  if (isArray(v)) {
    out = [];
    for (let i = 0; i < v.length; i++) out.push(copy(v[i], path + '[' + i + ']', seen));
  } else {
    const proto = getProto(v);
    if (v instanceof Date) { seen.pop(); return v.toISOString(); }
    if (proto !== ObjProto && proto !== null) throw new TypeError(path + ' is ' + ((proto && proto.constructor && proto.constructor.name) || 'an object') + ' instance: only plain objects can be synced');
    out = {};
    for (const k of keys(v)) {
      if (k === '__proto__') throw new TypeError(path + ' has a key "__proto__", which cannot be synced');
      if (v[k] !== undefined) out[k] = copy(v[k], path + '.' + k, seen);
    }
  }
  seen.pop();
  return out;
}

// { name } values that also compare and print as their name: issue.status == "Done" works.
function named(name, extra) {
  if (name === null || name === undefined) return null;
  const o = O.assign({ name: name }, extra || {});
  def(o, 'toString', { value: () => name });
  def(o, 'valueOf', { value: () => name });
  views.set(o, () => O.assign({ name: name }, extra || {}));
  return freeze(o);
}
function nameOf(v, what) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && typeof v.name === 'string') return v.name;
  throw new TypeError(what + ' must be a name (string), an object with a name, or null; got ' + kind(v));
}
function adf(v, what) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return { type: 'doc', version: 1, content: v === '' ? [] : v.split('\n').map((line) => line ? { type: 'paragraph', content: [{ type: 'text', text: line }] } : { type: 'paragraph', content: [] }) };
  if (typeof v === 'object' && v.type === 'doc' && v.version === 1 && isArray(v.content)) return copy(v, what);
  throw new TypeError(what + ' must be an ADF document ({type: "doc", version: 1, content: [...]}), a string, or null; got ' + kind(v));
}
function user(v, what) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object' && typeof v.accountId === 'string' && v.accountId) {
    return { accountId: v.accountId, displayName: typeof v.displayName === 'string' ? v.displayName : '', email: typeof v.email === 'string' ? v.email : null };
  }
  throw new TypeError(what + ' must be a user (e.g. nodeHelper.getUserByEmail(...)) or null; got ' + kind(v));
}
function str(v, what, nullable) {
  if (typeof v === 'string') return v;
  if (nullable && (v === null || v === undefined)) return null;
  throw new TypeError(what + ' must be a string' + (nullable ? ' or null' : '') + '; got ' + kind(v));
}
function date(v, what) {
  const s = str(v, what, true);
  if (s !== null && !/^\d{4}-\d{2}-\d{2}$/.test(s)) throw new TypeError(what + ' must be a date "YYYY-MM-DD" or null; got "' + s + '"');
  return s;
}
function strings(v, what) {
  if (!isArray(v)) throw new TypeError(what + ' must be an array of strings; got ' + kind(v));
  return v.map((s, i) => str(s, what + '[' + i + ']'));
}
function issueRef(v, what) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object' && typeof v.id === 'string' && v.id && typeof v.key === 'string' && v.key) return { id: v.id, key: v.key };
  throw new TypeError(what + ' must be an issue {id, key} (e.g. nodeHelper.getLocalIssue(replica.parent)) or null; got ' + kind(v));
}
function issueLinks(v, what) {
  if (!isArray(v)) throw new TypeError(what + ' must be an array of links {type, direction, issue}; got ' + kind(v));
  return v.map((l, i) => {
    const at = what + '[' + i + ']';
    if (l === null || typeof l !== 'object') throw new TypeError(at + ' must be a link {type, direction: "outward" | "inward", issue: {id, key}}; got ' + kind(l));
    const type = nameOf(l.type, at + '.type');
    if (type === null || type === '') throw new TypeError(at + '.type must be a link type name such as "Blocks"');
    if (l.direction !== 'outward' && l.direction !== 'inward') throw new TypeError(at + '.direction must be "outward" or "inward"; got ' + stringify(l.direction));
    const issue = issueRef(l.issue, at + '.issue');
    if (issue === null) throw new TypeError(at + '.issue must be an issue {id, key}');
    return { type: type, direction: l.direction, issue: issue };
  });
}
function find(list, name) {
  if (typeof name !== 'string') return undefined;
  const n = lower(name);
  return list.find((x) => lower(x.name) === n);
}

// A case-insensitive map of custom fields: fields["remote issue key"].value
function fieldMap(store, owner, opts) {
  const known = () => {
    const names = keys(store);
    for (const n of opts.known) if (!names.some((x) => lower(x) === lower(n))) names.push(n);
    return names;
  };
  const resolve = (p) => { const n = lower(p); return known().find((x) => lower(x) === n); };
  const entry = (name) => {
    const e = {};
    def(e, 'value', {
      enumerable: true,
      get: () => (store[name] ? store[name].value : null),
      set: (v) => { if (opts.readonly) throw new TypeError(owner + ' is read-only in this script'); store[name] = { value: copy(v, owner + '["' + name + '"].value') }; },
    });
    views.set(e, () => ({ value: store[name] ? store[name].value : null }));
    return O.preventExtensions(e);
  };
  const proxy = new Proxy({}, {
    get(_t, p, receiver) {
      if (typeof p !== 'string') return undefined;
      if (p === 'toJSON') return () => copy(store, owner);
      const name = resolve(p);
      if (name !== undefined) return entry(name);
      // what the language itself looks up on objects (String(x), await x, x.hasOwnProperty(...))
      if (p === 'then') return undefined;
      if (p in ObjProto) return Reflect.get(ObjProto, p, receiver);
      if (opts.strict) throw new Error('Unknown custom field "' + p + '" on ' + owner.replace('.customFields', '') + '. Known custom fields: ' + quoteList(known()));
      if (opts.create) return entry(p);
      return undefined;
    },
    set(_t, p, v) {
      if (opts.readonly) throw new TypeError(owner + ' is read-only in this script');
      const name = resolve(p) || (opts.create ? p : undefined);
      if (name === undefined) throw new Error('Unknown custom field "' + String(p) + '". Known custom fields: ' + quoteList(known()));
      if (v === null || typeof v !== 'object' || !('value' in v)) throw new TypeError(owner + '["' + name + '"] must be set to {value: ...}; to change the value write ' + owner + '["' + name + '"].value = ...');
      store[name] = { value: copy(v.value, owner + '["' + name + '"].value') };
      return true;
    },
    has: (_t, p) => typeof p === 'string' && resolve(p) !== undefined,
    deleteProperty() { throw new TypeError('custom fields cannot be deleted; set .value = null instead'); },
    ownKeys: () => keys(store),
    getOwnPropertyDescriptor: (_t, p) => (typeof p === 'string' && store[p] ? { value: entry(p), enumerable: true, configurable: true, writable: true } : undefined),
  });
  views.set(proxy, () => copy(store, owner));
  return proxy;
}

// A replica received from the other side: plain data, custom fields looked up case-insensitively.
function received(r) {
  if (r === null) return null;
  r.customFields = fieldMap(r.customFields, 'replica.customFields', { known: [] });
  return r;
}

// An object whose fields are accessors; assigning an unknown field is an error naming it.
function record(owner, fields, state, readOnlyHint) {
  const o = {};
  for (const k of keys(fields)) {
    const f = fields[k];
    def(o, k, {
      enumerable: true,
      get: f.get || (() => state[k]),
      set: f.set || (() => { throw new TypeError(owner + '.' + k + ' is read-only' + (readOnlyHint || '')); }),
    });
  }
  def(o, 'toJSON', { value: () => copy(state, owner) });
  const proxy = new Proxy(o, {
    set(t, p, v, r) {
      if (typeof p === 'string' && hasOwn(fields, p)) return Reflect.set(t, p, v, r);
      throw new TypeError(owner + ' has no field "' + String(p) + '". Fields: ' + keys(fields).join(', '));
    },
    defineProperty() { throw new TypeError(owner + ' fields cannot be redefined'); },
    deleteProperty() { throw new TypeError(owner + ' fields cannot be deleted'); },
    setPrototypeOf() { throw new TypeError(owner + ' prototype cannot be changed'); },
  });
  views.set(proxy, () => state);
  return proxy;
}

function localIssue(s, writable) {
  const w = (k, conv) => ({ set: writable ? (v) => { s[k] = conv(v, 'issue.' + k); } : undefined });
  const ident = () => ({});
  const checked = (k, list, what, plural) => ({
    get: () => named(s[k]),
    set: writable ? (v) => {
      const n = nameOf(v, 'issue.' + k);
      if (n === null) { s[k] = null; return; }
      const hit = find(list, n);
      if (!hit) throw new Error('Unknown ' + what + ' "' + n + '". Known ' + plural + ': ' + quoteList(list.map((x) => x.name)));
      s[k] = hit.name;
    } : undefined,
  });
  const typeSet = writable ? (v) => { s.typeName = nameOf(v, 'issue.type'); } : undefined;
  const cf = fieldMap(s.customFields, 'issue.customFields', { known: md.customFields.map((f) => f.name), strict: true, readonly: !writable });
  return record('issue', {
    key: ident(), id: ident(),
    projectKey: w('projectKey', (v, p) => str(v, p, true)),
    summary: w('summary', (v, p) => str(v, p, false)),
    description: w('description', adf),
    type: { get: () => named(s.typeName), set: typeSet },
    typeName: { set: typeSet },
    priority: checked('priority', md.priorities, 'priority', 'priorities'),
    labels: w('labels', strings),
    status: checked('status', md.statuses, 'status', 'statuses'),
    resolution: checked('resolution', md.resolutions || [], 'resolution', 'resolutions'),
    dueDate: w('dueDate', date),
    assignee: w('assignee', user),
    reporter: w('reporter', user),
    comments: w('comments', (v, p) => { if (!isArray(v)) throw new TypeError(p + ' must be an array of comments; got ' + kind(v)); return copy(v, p); }),
    attachments: w('attachments', desiredFiles),
    parent: w('parent', issueRef),
    links: w('links', issueLinks),
    components: w('components', strings),
    fixVersions: w('fixVersions', strings),
    customFields: { get: () => cf, set: () => { throw new TypeError('assign single fields: issue.customFields["Name"].value = ...'); } },
    created: {}, updated: {},
  }, s, writable ? '' : ' in the outgoing script: set fields on replica');
}

function outgoingReplica(r) {
  const w = (k, conv) => ({ set: (v) => { r[k] = conv(v, 'replica.' + k); } });
  const cf = fieldMap(r.customFields, 'replica.customFields', { known: [], create: true });
  return record('replica', {
    key: {}, id: {},
    projectKey: w('projectKey', (v, p) => str(v, p, false)),
    summary: w('summary', (v, p) => str(v, p, false)),
    description: w('description', adf),
    type: w('type', (v, p) => { const n = nameOf(v, p); return n === null ? null : { name: n }; }),
    priority: w('priority', (v, p) => { const n = nameOf(v, p); return n === null ? null : { name: n }; }),
    labels: w('labels', strings),
    status: w('status', (v, p) => { const n = nameOf(v, p); return n === null ? null : { name: n, category: v && typeof v.category === 'string' ? v.category : null }; }),
    resolution: w('resolution', (v, p) => { const n = nameOf(v, p); return n === null ? null : { name: n }; }),
    dueDate: w('dueDate', date),
    assignee: w('assignee', user),
    reporter: w('reporter', user),
    comments: w('comments', (v, p) => { if (!isArray(v)) throw new TypeError(p + ' must be an array of comments; got ' + kind(v)); return copy(v, p).map((c) => ({ id: c.id, author: c.author === undefined ? null : c.author, body: c.body, created: c.created, updated: c.updated, originId: c.originId === undefined ? null : c.originId })); }),
    attachments: w('attachments', sentFiles),
    parent: w('parent', issueRef),
    links: w('links', issueLinks),
    components: w('components', (v, p) => strings(v, p).slice().sort()),
    fixVersions: w('fixVersions', (v, p) => strings(v, p).slice().sort()),
    customFields: { get: () => cf, set: () => { throw new TypeError('assign single fields: replica.customFields["Name"] = issue.customFields["Name"]'); } },
    created: w('created', (v, p) => str(v, p, false)),
    updated: w('updated', (v, p) => str(v, p, false)),
  }, r);
}

function fmt(a) {
  if (typeof a === 'string') return a;
  try { const j = stringify(views.has(a) ? copy(a, 'value') : a); return j === undefined ? String(a) : j; } catch (e) { return String(a); }
}
function log(level) {
  return function () {
    if (run.logs.length >= 200) { run.dropped++; return; }
    let m = Array.prototype.map.call(arguments, fmt).join(' ');
    if (m.length > 4000) m = m.slice(0, 4000) + '…';
    run.logs.push({ level: level, message: m });
  };
}
function only(what) { return () => { throw new Error(what + ' can only be called in the incoming script'); }; }

// Comments by identity: copies follow their remote original (edited, or gone when it was deleted
// there); our own comments take the remote's edits of their copies and go when the remote deleted
// the copy it had; remote comments without a copy here are added (id '' = to be created).
// filter(comment) chooses which remote comments to take in; format(body, comment) rewrites their body.
function mergeComments(target, source, options) {
  const opts = options || {};
  if (opts.filter !== undefined && typeof opts.filter !== 'function') throw new TypeError('mergeComments: filter must be a function');
  if (opts.format !== undefined && typeof opts.format !== 'function') throw new TypeError('mergeComments: format must be a function');
  const local = copy(target && target.comments, 'issue.comments') || [];
  const remote = (copy(source && source.comments, 'replica.comments') || []).filter((c) => c.originId !== null || !opts.filter || opts.filter(c));
  const body = (c) => (opts.format ? adf(opts.format(c.body, c), 'mergeComments format result') : c.body);
  const remoteById = new Map(remote.map((c) => [c.id, c]));
  const copyOfOurs = new Map(remote.filter((c) => c.originId !== null).map((c) => [c.originId, c]));
  const previouslyCopied = new Set((incoming && input.previous ? input.previous.comments : []).map((c) => c.originId).filter((id) => id !== null));
  const haveCopy = new Set();
  const out = [];
  for (const l of local) {
    if (l.originId !== null) {
      const original = remoteById.get(l.originId);
      if (!original) continue;
      haveCopy.add(l.originId);
      out.push(O.assign({}, l, { body: body(original), updated: original.updated }));
      continue;
    }
    const theirCopy = copyOfOurs.get(l.id);
    if (theirCopy) out.push(O.assign({}, l, { body: theirCopy.body, updated: theirCopy.updated }));
    else if (!previouslyCopied.has(l.id)) out.push(l);
  }
  for (const r of remote) {
    if (r.originId !== null || haveCopy.has(r.id)) continue;
    out.push({ id: '', author: r.author, body: body(r), created: r.created, updated: r.updated, originId: r.id });
  }
  return out;
}

// ---- attachments -------------------------------------------------------------------------------
// An attachment's data is facts of its file: scripts choose which attachments (by id), never what
// they are. A copy to make is {id: '', originId: the remote attachment's id}.

const fileFields = (a) => ({ id: a.id, filename: a.filename, mimeType: a.mimeType, size: a.size, created: a.created, author: a.author === undefined ? null : a.author, originId: a.originId === undefined ? null : a.originId });
const idList = (list) => quoteList(list.map((a) => a.id));
function fileArray(v, p) {
  if (!isArray(v)) throw new TypeError(p + ' must be an array of attachments; got ' + kind(v));
  const list = copy(v, p);
  list.forEach((a, i) => {
    if (a === null || typeof a !== 'object' || isArray(a) || typeof a.id !== 'string') throw new TypeError(p + '[' + i + '] must be an attachment (an object with its id, as in issue.attachments); got ' + kind(a));
  });
  return list;
}
function renamed(a, file, at) {
  if (a.filename === undefined || a.filename === file.filename) return file.filename;
  if (typeof a.filename !== 'string' || a.filename === '') throw new TypeError(at + '.filename must be a non-empty string; got ' + kind(a.filename));
  return a.filename;
}
function once(seen, id, at, what) {
  if (seen.has(id)) throw new Error(at + ': ' + what + ' is listed twice');
  seen.add(id);
}

// outgoing replica.attachments: the issue's own attachments, chosen by id; the copy there may get another filename
function sentFiles(v, p) {
  const own = new Map(ownFiles.map((a) => [a.id, a]));
  const seen = new Set();
  return fileArray(v, p).map((a, i) => {
    const at = p + '[' + i + ']';
    const file = own.get(a.id);
    if (!file) throw new Error(at + ': "' + a.id + '" is not an attachment of this issue (its attachments: ' + idList(ownFiles) + '); only the issue\'s own attachments can be sent');
    once(seen, a.id, at, 'attachment "' + a.id + '"');
    // the engine fills mediaId (the media id the ADF nodes name) after the rules ran
    return { id: file.id, filename: renamed(a, file, at), mimeType: file.mimeType, size: file.size, created: file.created, author: file.author, mediaId: null, originId: file.originId };
  });
}

// incoming issue.attachments: the attachments the issue should have; leaving one out deletes it
function desiredFiles(v, p) {
  const own = new Map(ownFiles.map((a) => [a.id, a]));
  const remote = new Map(remoteFiles.map((a) => [a.id, a]));
  const seen = new Set(), copied = new Set();
  const out = fileArray(v, p).map((a, i) => {
    const at = p + '[' + i + ']';
    let file;
    if (a.id !== '') {
      file = own.get(a.id);
      if (!file) throw new Error(at + ': "' + a.id + '" is not an attachment of this issue (its attachments: ' + idList(ownFiles) + '); to copy one of replica.attachments here, give id "" and originId: its id (attachmentHelper.mergeAttachments does)');
      once(seen, a.id, at, 'attachment "' + a.id + '"');
    } else {
      file = typeof a.originId === 'string' ? remote.get(a.originId) : undefined;
      if (!file) throw new Error(at + ': a new attachment (id "") must be a copy of one of replica.attachments, named by originId; got ' + (typeof a.originId === 'string' ? 'originId "' + a.originId + '"' : a.originId === undefined ? 'no originId' : 'originId ' + kind(a.originId)) + ' (replica.attachments: ' + idList(remoteFiles) + ')');
      if (file.originId !== null) throw new Error(at + ': replica attachment "' + file.id + '" is the other site\'s copy of this issue\'s attachment "' + file.originId + '": it cannot be copied back');
      file = O.assign(fileFields(file), { id: '', originId: file.id });
    }
    if (renamed(a, file, at) !== file.filename) throw new TypeError(at + ': attachments cannot be renamed here (a copy takes the name the other site sends: rename it in that site\'s outgoing script)');
    return fileFields(file);
  });
  // a copy to make of what has a copy here (or is asked twice); copies that exist already may be kept, even two of one file
  for (const a of out) if (a.id !== '' && a.originId !== null) copied.add(a.originId);
  out.forEach((a, i) => {
    if (a.id !== '') return;
    if (copied.has(a.originId)) throw new Error(p + '[' + i + ']: replica attachment "' + a.originId + '" is copied twice (a copy of it is in the list already)');
    copied.add(a.originId);
  });
  return out;
}

const FILTER_OPTIONS = ['names', 'pattern', 'mimeTypes', 'minSize', 'maxSize', 'exclude', 'keepCopies'];
const MIME = /^([a-z0-9][a-z0-9!#$&^_.+-]*|\*)\/([a-z0-9][a-z0-9!#$&^_.+-]*|\*)$/i;
const oneOrMany = (v) => (isArray(v) ? v : [v]);
const baseMime = (m) => lower(String(m).split(';')[0].trim());
function glob(g) {
  let re = '^';
  for (const ch of g) re += ch === '*' ? '[\\s\\S]*' : ch === '?' ? '[\\s\\S]' : /[\\^$.|+(){}\[\]]/.test(ch) ? '\\' + ch : ch;
  return new RegExp(re + '$', 'i');
}

// Criteria as a predicate on attachments, every option checked first (errors name the option).
function fileMatcher(criteria, where) {
  if (criteria === undefined || criteria === null) criteria = {};
  if (typeof criteria !== 'object' || isArray(criteria)) throw new TypeError(where + ': the options must be an object like { maxSize: 10 * 1024 * 1024, mimeTypes: ["image/*"] }; got ' + kind(criteria));
  for (const k of keys(criteria)) if (FILTER_OPTIONS.indexOf(k) < 0) throw new TypeError(where + ': unknown option "' + k + '". Options: ' + FILTER_OPTIONS.join(', '));
  const c = criteria, tests = [];
  const bad = (option, expected, got) => new TypeError(where + ': ' + option + ' must be ' + expected + '; got ' + got);
  const shown = (v) => (typeof v === 'string' ? '"' + v + '"' : kind(v));
  if (c.names !== undefined) {
    const globs = oneOrMany(c.names).map((g, i) => {
      if (typeof g !== 'string' || g === '') throw bad(isArray(c.names) ? 'names[' + i + ']' : 'names', 'a file name or pattern like "*.pdf" (or an array of them)', shown(g));
      return glob(g);
    });
    tests.push((a) => globs.some((re) => re.test(a.filename)));
  }
  if (c.pattern !== undefined) {
    let re = c.pattern;
    if (typeof re === 'string') {
      try { re = new RegExp(re); } catch (e) { throw new TypeError(where + ': pattern is not a valid regular expression: ' + e.message); }
    } else if (!(re instanceof RegExp)) throw bad('pattern', 'a regular expression (/.../ or a string)', kind(re));
    tests.push((a) => a.filename.search(re) >= 0);
  }
  if (c.mimeTypes !== undefined) {
    const types = oneOrMany(c.mimeTypes).map((t, i) => {
      if (typeof t !== 'string' || !MIME.test(t)) throw bad(isArray(c.mimeTypes) ? 'mimeTypes[' + i + ']' : 'mimeTypes', 'a MIME type like "application/pdf" or "image/*" (or an array of them)', shown(t));
      return lower(t).split('/');
    });
    tests.push((a) => {
      const [type, sub] = baseMime(a.mimeType).split('/');
      return types.some(([t, s]) => (t === '*' || t === type) && (s === '*' || s === sub));
    });
  }
  const size = (option) => {
    const v = c[option];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !isFinite(v) || v < 0) throw bad(option, 'a number of bytes (0 or more)', kind(v) === 'a number' ? String(v) : kind(v));
    return v;
  };
  const min = size('minSize'), max = size('maxSize');
  if (min !== undefined && max !== undefined && min > max) throw new TypeError(where + ': minSize (' + min + ') is larger than maxSize (' + max + '): nothing would match');
  if (min !== undefined) tests.push((a) => a.size >= min);
  if (max !== undefined) tests.push((a) => a.size <= max);
  for (const option of ['exclude', 'keepCopies']) if (c[option] !== undefined && typeof c[option] !== 'boolean') throw bad(option, 'true or false', kind(c[option]));
  const exclude = c.exclude === true, keepCopies = c.keepCopies !== false;
  return (a) => (keepCopies && a.originId !== null && a.originId !== undefined) || tests.every((t) => t(a)) !== exclude;
}

// attachmentHelper.filter(list, criteria): the attachments of list that match every criterion
// (exclude: those that do not). Copies of the other site's attachments (originId set) are kept
// unless keepCopies is false: leaving a copy out of a replica reads there as its deletion here.
function filterFiles(list, criteria) {
  const where = 'attachmentHelper.filter';
  const match = fileMatcher(criteria, where);
  if (!isArray(list)) throw new TypeError(where + ': the list must be an array of attachments (issue.attachments, replica.attachments); got ' + kind(list));
  return copy(list, 'attachments').filter((a, i) => {
    if (a === null || typeof a !== 'object' || typeof a.filename !== 'string' || typeof a.mimeType !== 'string' || typeof a.size !== 'number') {
      throw new TypeError(where + ': list[' + i + '] is not an attachment (an object with filename, mimeType and size); got ' + kind(a));
    }
    return match(a);
  });
}

// Attachments by identity, like comments: copies follow their remote original (gone when it is
// gone there); ours stay unless the remote had a copy of them in the previous replica and no
// longer has (deleted there); remote attachments with no copy here, and not copies of ours, are
// added as copies to make (id ''). filter (a function, or the criteria of attachmentHelper.filter)
// chooses which remote attachments to take in.
function mergeAttachments(target, source, options) {
  const where = 'attachmentHelper.mergeAttachments';
  const opts = options === undefined || options === null ? {} : options;
  if (typeof opts !== 'object' || isArray(opts)) throw new TypeError(where + ': the options must be an object ({ filter }); got ' + kind(opts));
  for (const k of keys(opts)) if (k !== 'filter') throw new TypeError(where + ': unknown option "' + k + '". Options: filter');
  let take = null;
  if (typeof opts.filter === 'function') take = opts.filter;
  else if (opts.filter !== undefined) {
    if (opts.filter === null || typeof opts.filter !== 'object' || isArray(opts.filter)) throw new TypeError(where + ': filter must be a function or the options of attachmentHelper.filter; got ' + kind(opts.filter));
    take = fileMatcher(opts.filter, where + ' filter');
  }
  const withOrigin = (a) => (a !== null && typeof a === 'object' && a.originId === undefined ? O.assign({}, a, { originId: null }) : a);
  const local = (copy(target && target.attachments, 'issue.attachments') || []).map(withOrigin);
  const remote = (copy(source && source.attachments, 'replica.attachments') || []).map(withOrigin).filter((a) => a.originId !== null || !take || take(O.assign({}, a)));
  const remoteIds = new Set(remote.map((a) => a.id));
  const copiedThere = new Set(remote.map((a) => a.originId).filter((id) => id !== null));
  const previous = incoming && input.previous ? input.previous.attachments || [] : [];
  const previouslyCopied = new Set(previous.map((a) => a.originId).filter((id) => id !== null));
  const haveCopy = new Set();
  const out = [];
  for (const l of local) {
    if (l.originId !== null) {
      if (!remoteIds.has(l.originId)) continue;
      haveCopy.add(l.originId);
      out.push(l);
    } else if (copiedThere.has(l.id) || !previouslyCopied.has(l.id)) out.push(l);
  }
  for (const r of remote) {
    if (r.originId !== null || haveCopy.has(r.id)) continue;
    out.push({ id: '', filename: r.filename, mimeType: r.mimeType, size: r.size, created: r.created, author: r.author, originId: r.id });
  }
  return out;
}

// The connection's value mappings (src/model/mappings.ts) as the scripts read them:
// mappings.status.toLocal("Closed"), mappings.fields.toLocal("Sev"), mappings.options("Severity").toLocal("S1").
const NO_ROWS = [];
const applies = (r, way) => r.direction === 'both' || r.direction === way;
function rowsOf(list, what) {
  return (isArray(list) ? list : NO_ROWS).map((r) => freeze({ local: r.local, remote: r.remote, direction: r.direction }));
}
function valueTable(list, what) {
  const rows = freeze(rowsOf(list, what));
  const pick = (v, way, from, to) => {
    if (v === null || v === undefined) return null;
    const n = lower(nameOf(v, 'mappings.' + what + (way === 'incoming' ? '.toLocal' : '.toRemote')));
    const r = rows.find((x) => applies(x, way) && x[from] !== null && lower(x[from]) === n);
    return r ? r[to] : null;
  };
  const toLocal = (v) => pick(v, 'incoming', 'remote', 'local');
  const toRemote = (v) => pick(v, 'outgoing', 'local', 'remote');
  // a field's value by its shape: an option (string), options (string[]), a cascading {value, child}
  const mapValue = (v, one) => {
    if (typeof v === 'string') { const m = one(v); return m === null ? v : m; }
    if (isArray(v)) return v.map((x) => mapValue(x, one));
    if (v !== null && typeof v === 'object' && typeof v.value === 'string') return O.assign({}, copy(v, 'value'), { value: mapValue(v.value, one) });
    return v;
  };
  return freeze({
    rows: rows,
    // the row's value here for the other site's value; null when no row maps it
    toLocal: toLocal,
    // the row's value of the other site for the value here; null when no row maps it
    toRemote: toRemote,
    // a whole field value (an option, a list of options, a cascading value): mapped values replaced, others kept
    toLocalValue: (v) => mapValue(v, toLocal),
    toRemoteValue: (v) => mapValue(v, toRemote),
  });
}
function fieldTable(list) {
  const rows = freeze(rowsOf(list, 'fields'));
  const pick = (name, way, from, to) => {
    const n = lower(str(name, 'mappings.fields.' + (way === 'incoming' ? 'toLocal' : 'toRemote') + ' name', false));
    const r = rows.find((x) => applies(x, way) && x[from] !== null && lower(x[from]) === n);
    return r ? r[to] : undefined;
  };
  return freeze({
    rows: rows,
    // the field here receiving the other site's field; null: not synced here; undefined: no row (same name)
    toLocal: (name) => pick(name, 'incoming', 'remote', 'local'),
    // the other site's field receiving this one; null: not sent; undefined: no row (same name)
    toRemote: (name) => pick(name, 'outgoing', 'local', 'remote'),
  });
}
// a person nobody here matches, for the Mappings tab's unmapped values (by account id, with the name)
function unmappedPerson(u) {
  if (!incoming || run.unmapped.some((x) => x.table === 'users' && x.value === u.accountId)) return;
  if (run.unmapped.length < 50) run.unmapped.push({ table: 'users', field: null, value: u.accountId, label: u.displayName || null });
}
const TABLE_LABEL = { project: 'project', issueType: 'issue type', status: 'status', priority: 'priority', resolution: 'resolution', users: 'person', fields: 'custom field', options: 'option' };
function mappingsApi() {
  const m = input.mappings || {};
  const tables = {};
  for (const t of ['project', 'issueType', 'status', 'priority', 'resolution', 'users']) tables[t] = valueTable(m[t], t);
  const optionFields = m.options && typeof m.options === 'object' ? m.options : {};
  const optionTables = {};
  return freeze(O.assign(tables, {
    fields: fieldTable(m.fields),
    options: (field) => {
      const n = lower(str(field, 'mappings.options field name', false));
      const name = keys(optionFields).find((k) => lower(k) === n);
      const k = name === undefined ? '' : name;
      if (!hasOwn(optionTables, k)) optionTables[k] = valueTable(name === undefined ? NO_ROWS : optionFields[name], 'options("' + field + '")');
      return optionTables[k];
    },
    // a value of the other site that no row maps and that does not exist here: a warning on the
    // issue, and a line in the Mappings tab's "unmapped values" (in the incoming script only)
    // options: the local field (for option values), the end of the warning (default: "kept the local value")
    unmapped: incoming ? (table, value, options) => {
      if (!hasOwn(TABLE_LABEL, table)) throw new TypeError('mappings.unmapped: table must be one of ' + quoteList(keys(TABLE_LABEL)) + '; got ' + stringify(table));
      const v = nameOf(value, 'mappings.unmapped value');
      if (v === null) return;
      const o = options === undefined || options === null ? {} : typeof options === 'string' ? { field: options } : options;
      const f = o.field === undefined || o.field === null ? null : str(o.field, 'mappings.unmapped field', false);
      const note = o.note === undefined ? 'kept the local value' : str(o.note, 'mappings.unmapped note', false);
      if (run.unmapped.some((u) => u.table === table && u.value === v && u.field === f)) return;
      if (run.unmapped.length < 50) run.unmapped.push({ table: table, field: f, value: v, label: null });
      run.warnings.push((f === null ? TABLE_LABEL[table] : f) + ': "' + v + '" of the other site is not mapped and does not exist here; ' + note);
    } : only('mappings.unmapped()'),
  }));
}

function makeApi() {
const replicaState = incoming ? null : input.replica;
ownFiles = (copy(input.issue.attachments, 'issue.attachments') || []).map(fileFields);
remoteFiles = incoming ? (copy(input.replica.attachments, 'replica.attachments') || []).map(fileFields) : [];
const api = {
  issue: localIssue(input.issue, incoming),
  replica: incoming ? received(input.replica) : outgoingReplica(replicaState),
  previous: incoming ? received(input.previous) : null,
  firstSync: incoming ? input.firstSync : false,
  nodeHelper: freeze({
    getIssueType(name, projectKey) {
      const p = projectKey === undefined ? input.issue.projectKey : projectKey;
      const lists = p === null || p === undefined ? O.values(md.issueTypes) : [md.issueTypes[p] || []];
      for (const l of lists) { const t = find(l, name); if (t) return O.assign({}, t); }
      return null;
    },
    getProjects: () => keys(md.issueTypes),
    getCustomField: (name) => { const f = find(md.customFields, name); return f ? O.assign({}, f) : null; },
    getPriority: (name) => { const p = find(md.priorities, name); return p ? O.assign({}, p) : null; },
    getStatus: (name) => { const s = find(md.statuses, name); return s ? O.assign({}, s) : null; },
    getResolution: (name) => { const r = find(md.resolutions || [], name); return r ? O.assign({}, r) : null; },
    getUser: (id) => { const u = md.users.find((x) => x.accountId === id); return u ? O.assign({}, u) : null; },
    getUserByEmail: (email) => { const u = typeof email === 'string' ? md.users.find((x) => x.email !== null && lower(x.email) === lower(email)) : undefined; return u ? O.assign({}, u) : null; },
    // the local twin of a remote issue (its id, or {id, key}), when the connection syncs it: else null
    getLocalIssue: (remote) => {
      const id = remote !== null && typeof remote === 'object' ? remote.id : remote;
      const t = typeof id === 'string' && md.twins ? md.twins[id] : undefined;
      return t ? { id: t.id, key: t.key } : null;
    },
    getLinkType: (name) => { const t = find(md.linkTypes || [], name); return t ? O.assign({}, t) : null; },
    // a person of the other site, here: the mapping table, the same account, the visible email, the
    // connection's fallback; null (with a warning on the issue) when none of them finds anyone
    mapUser: (remote, what) => {
      if (remote === null || remote === undefined) return null;
      const u = user(remote, 'nodeHelper.mapUser');
      const m = md.mappedPeople ? md.mappedPeople[u.accountId] : undefined;
      const label = typeof what === 'string' && what ? what : 'a person';
      const name = u.displayName || u.accountId;
      if (m && m.local) {
        if (m.how === 'fallback') {
          unmappedPerson(u);
          run.warnings.push(label + ': ' + name + ' is nobody here; set to ' + (m.local.displayName || m.local.accountId) + ' (the connection\'s fallback)');
          if (run.held.indexOf(label) < 0) run.held.push(label);
        }
        return O.assign({}, m.local);
      }
      if (!m) {
        const same = md.users.find((x) => x.accountId === u.accountId) || (u.email ? md.users.find((x) => x.email !== null && lower(x.email) === lower(u.email)) : undefined);
        if (same) return O.assign({}, same);
      }
      unmappedPerson(u);
      run.warnings.push(label + ': ' + name + ' could not be mapped to anyone here; left empty');
      if (run.held.indexOf(label) < 0) run.held.push(label);
      return null;
    },
  }),
  syncHelper: freeze({
    syncBackAfterProcessing: incoming ? () => { run.syncBack = true; } : only('syncBackAfterProcessing()'),
    unlinkAfterProcessing: incoming ? () => { run.unlink = true; } : only('unlinkAfterProcessing()'),
    isUnderSync: () => (incoming ? !input.firstSync : true),
    getRemoteIssueUrl: () => (incoming && input.connection.remoteBaseUrl ? input.connection.remoteBaseUrl.replace(/\/+$/, '') + '/browse/' + input.replica.key : null),
    // apply this replica only once the remote issue (its key) is synced here: nothing is written meanwhile
    waitFor: incoming ? (key, reason) => { run.waitFor.push({ key: str(key, 'syncHelper.waitFor key', false), reason: typeof reason === 'string' ? reason : 'waiting for ' + key }); } : only('syncHelper.waitFor()'),
  }),
  mappings: mappingsApi(),
  commentHelper: freeze({ mergeComments: mergeComments }),
  attachmentHelper: freeze({ mergeAttachments: mergeAttachments, filter: filterFiles }),
  console: freeze({ log: log('log'), info: log('log'), debug: log('log'), warn: log('warn'), error: log('error') }),
};
api.syncBackAfterProcessing = api.syncHelper.syncBackAfterProcessing;
return { api: api, replicaState: replicaState };
}

// The API globals read the current run's objects; assigning them is an error.
const API_NAMES = ['issue', 'replica', 'previous', 'firstSync', 'nodeHelper', 'syncHelper', 'mappings', 'commentHelper', 'attachmentHelper', 'console', 'syncBackAfterProcessing'];
for (const k of API_NAMES) {
  def(G, k, {
    get: () => (current ? current.api[k] : undefined),
    set: () => { throw new TypeError("'" + k + "' is read-only"); },
    enumerable: false, configurable: false,
  });
}
// callbacks that could run during a later run
for (const k of ['FinalizationRegistry', 'WeakRef']) delete G[k];
lockdown();

// One context serves many runs: each run starts here with its own input and API objects.
return function begin(inputJson) {
  input = JSON.parse(inputJson);
  incoming = input.mode === 'incoming';
  md = input.metadata;
  run = { syncBack: false, unlink: false, waitFor: [], warnings: [], held: [], unmapped: [], logs: [], dropped: 0 };
  current = makeApi();
  const replicaState = current.replicaState;
  const logs = () => {
    const l = run.logs.slice();
    if (run.dropped) l.push({ level: 'warn', message: run.dropped + ' more log lines were dropped (at most 200 per run)' });
    return l;
  };
  return freeze({
    finish: () => {
      // the attachment lists as the setters would have left them, also when a script changed them in place
      if (incoming) input.issue.attachments = desiredFiles(input.issue.attachments, 'issue.attachments');
      else replicaState.attachments = sentFiles(replicaState.attachments, 'replica.attachments');
      return stringify(incoming
        ? { issue: copy(input.issue, 'issue'), syncBack: run.syncBack, unlink: run.unlink, waitFor: run.waitFor, held: run.held.slice(0, 200), unmapped: run.unmapped, warnings: run.warnings.length > 50 ? run.warnings.slice(0, 49).concat([(run.warnings.length - 49) + ' more warnings']) : run.warnings, logs: logs() }
        : { replica: copy(replicaState, 'replica'), logs: logs() });
    },
    logs: () => stringify(logs()),
  });
};

// Freezes every object reachable from the global object and the hidden intrinsics, so that a run
// can neither change the language for later runs nor keep anything in it. Properties that code
// commonly overrides on instances (toString, constructor, an error's name and message) become
// accessors whose setter defines the property on the instance instead of failing.
function lockdown() {
  const enable = (proto, names) => {
    for (const n of names) {
      const d = O.getOwnPropertyDescriptor(proto, n);
      if (!d || !('value' in d)) continue;
      const value = d.value;
      def(proto, n, {
        get() { return value; },
        set(v) {
          if (this === proto) throw new TypeError("'" + n + "' is read-only");
          def(this, n, { value: v, writable: true, enumerable: true, configurable: true });
        },
        enumerable: d.enumerable, configurable: false,
      });
    }
  };
  enable(ObjProto, ['constructor', 'toString', 'valueOf', 'toLocaleString']);
  enable(Function.prototype, ['toString']);
  enable(Array.prototype, ['toString']);
  for (const E of [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError, InternalError, AggregateError]) {
    enable(E.prototype, ['constructor', 'name', 'message', 'toString']);
  }
  const roots = [G];
  const add = (make) => { try { roots.push(make()); } catch (e) { /* not in this engine */ } };
  add(() => getProto(function* () {}));
  add(() => getProto(async function () {}));
  add(() => getProto(async function* () {}));
  add(() => getProto([][Symbol.iterator]()));
  add(() => getProto(new Map()[Symbol.iterator]()));
  add(() => getProto(new Set()[Symbol.iterator]()));
  add(() => getProto(''[Symbol.iterator]()));
  add(() => getProto('a'.matchAll(/a/g)));
  add(() => getProto([].values().map((x) => x)));
  add(() => getProto(Iterator.from({ next() { return { done: true }; } })));
  const seen = new Set();
  while (roots.length) {
    const o = roots.pop();
    if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) continue;
    seen.add(o);
    freeze(o);
    roots.push(getProto(o));
    for (const k of Reflect.ownKeys(o)) {
      const d = O.getOwnPropertyDescriptor(o, k);
      if ('value' in d) roots.push(d.value); else roots.push(d.get, d.set);
    }
  }
}
})()`;
