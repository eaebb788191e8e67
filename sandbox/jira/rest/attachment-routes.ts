import { MAX_FILES_PER_REQUEST, mimeTypeOf } from '../attachments';
import { parseRange } from '../http/byte-range';
import { JiraError } from '../http/jira-error';
import { isMultipartFormData, MultipartError, multipartBoundary, parseMultipart, type FormPart } from '../http/multipart';
import type { Reply, RouteContext, Router } from '../http/router';
import type { AttachmentUpload } from '../issue-service';
import { hasPermission } from '../permissions';
import type { AttachmentRecord, IssueRecord } from '../storage/records';
import type { Services } from './services';

/**
 * What Jira Cloud answers a request to a multipart resource without `X-Atlassian-Token: no-check`:
 * 403, body "XSRF check failed" as plain text ("requests made from other systems may be rejected with
 * a 403 status code … XSRF check failed", https://support.atlassian.com/atlassian-cloud/kb/xsrf-check-failed-when-calling-cloud-apis;
 * `addAttachment`: "The request must have a `X-Atlassian-Token: no-check` header, if not it is
 * blocked"). Only the exact value `no-check` passes (the KB's; older Server docs wrote `nocheck`:
 * the harsher reading refuses it).
 */
const XSRF_FAILED: Reply = { status: 403, raw: { bytes: Buffer.from('XSRF check failed'), contentType: 'text/plain;charset=UTF-8' } };
/** room for the multipart framing around the files (part headers, boundaries) beyond the upload limit */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024 + MAX_FILES_PER_REQUEST * 2048;

function tooLarge(limit: number): JiraError {
  // the wording Jira (commons-fileupload) uses for a file over the limit
  return new JiraError(413, [`The field file exceeds its maximum permitted size of ${limit} bytes.`]);
}

/** a `boolean` query parameter of the spec: `true` or `false` (any case), the default when absent, 400 otherwise (harsher) */
function booleanParam(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (/^true$/i.test(raw)) return true;
  if (/^false$/i.test(raw)) return false;
  throw JiraError.badRequest(`The query parameter '${name}' must be true or false, got '${raw}'.`);
}

/** the file parts of an upload, checked against the site's limits before anything is stored */
function uploadsOf(ctx: RouteContext, uploadLimit: number): AttachmentUpload[] {
  const body = ctx.rawBody();
  if (body === null) throw tooLarge(uploadLimit);
  const contentType = typeof ctx.headers['content-type'] === 'string' ? ctx.headers['content-type'] : undefined;
  if (!isMultipartFormData(contentType)) {
    throw new JiraError(415, [`Unsupported Media Type: attachments are posted as multipart/form-data, not ${contentType ?? 'a body without a Content-Type'}.`]);
  }
  const boundary = multipartBoundary(contentType);
  if (boundary === null) throw JiraError.badRequest('The multipart/form-data Content-Type has no boundary.');
  let parts: FormPart[];
  try {
    parts = parseMultipart(body, boundary);
  } catch (e) {
    if (e instanceof MultipartError) throw JiraError.badRequest(`The multipart/form-data body is malformed: ${e.message}`);
    throw e;
  }
  // "The name of the multipart/form-data parameter that contains the attachments must be `file`": other parts are not files
  const files = parts.filter((p) => p.name === 'file');
  if (files.length === 0) throw JiraError.badRequest("The request has no multipart/form-data part named 'file' (the attachments must be sent as 'file').");
  if (files.length > MAX_FILES_PER_REQUEST) throw new JiraError(413, [`At most ${MAX_FILES_PER_REQUEST} files can be uploaded in one request (got ${files.length}).`]);
  let total = 0;
  const uploads = files.map((p): AttachmentUpload => {
    if (p.filename === null || p.filename.trim() === '') throw JiraError.badRequest("A 'file' part has no file name (Content-Disposition filename).");
    // harsher readings (the docs are silent): an empty file is refused, and the limit holds for the request's files together
    if (p.data.length === 0) throw JiraError.badRequest(`The file '${p.filename}' is empty.`);
    if (p.data.length > uploadLimit) throw tooLarge(uploadLimit);
    total += p.data.length;
    return { filename: p.filename, mimeType: mimeTypeOf(p.filename, p.contentType), bytes: p.data };
  });
  if (total > uploadLimit) throw tooLarge(uploadLimit);
  return uploads;
}

/** /issue/{issueIdOrKey}/attachments, /attachment/meta, /attachment/{id}, /attachment/content/{id} */
export function attachmentRoutes(router: Router, s: Services): void {
  const isAdmin = (ctx: RouteContext): boolean => ctx.actor.accountId === s.adminAccountId;
  const can = (ctx: RouteContext, key: string): boolean => hasPermission(ctx.actor, isAdmin(ctx), key);
  const notFound = (id: string): JiraError => JiraError.notFound(`The attachment with id '${id}' does not exist.`);
  /** the attachment and its issue, when attachments are on and the caller may see the issue ("Browse projects") */
  const visible = (ctx: RouteContext): { a: AttachmentRecord; issue: IssueRecord } => {
    const id = ctx.params.id ?? '';
    const a = s.attachments.get(id);
    const issue = a ? s.store.issueById(a.issueId) : undefined;
    // 404: "the attachment is not found" or "attachments are disabled in the Jira settings"
    if (!a || !issue || !s.attachmentSettings.get().enabled) throw notFound(id);
    if (!can(ctx, 'BROWSE_PROJECTS')) throw new JiraError(403, ['You do not have permission to view this attachment.']);
    return { a, issue };
  };

  router.add('POST', '/rest/api/3/issue/{issueIdOrKey}/attachments', (ctx) => {
    // the XSRF filter answers before the resource is reached, whatever the issue or the body
    if (ctx.headers['x-atlassian-token'] !== 'no-check') return XSRF_FAILED;
    const settings = s.attachmentSettings.get();
    const issue = s.issues.find(ctx.params.issueIdOrKey ?? '');
    if (!can(ctx, 'BROWSE_PROJECTS')) throw JiraError.issueNotFound();
    if (!settings.enabled) throw new JiraError(403, ['Attachments are disabled on this site.']);
    if (!can(ctx, 'CREATE_ATTACHMENTS')) throw new JiraError(403, [`You do not have permission to create attachments for issue ${issue.key}.`]);
    const uploads = uploadsOf(ctx, settings.uploadLimit);
    const { attachments } = s.issues.addAttachments(ctx.actor, String(issue.id), uploads);
    return { status: 200, body: attachments.map((a) => s.render.attachment(a)) };
  }, { rawBody: () => s.attachmentSettings.get().uploadLimit + MULTIPART_OVERHEAD_BYTES });

  // before /attachment/{id}: a literal segment wins
  router.add('GET', '/rest/api/3/attachment/meta', () => ({ status: 200, body: s.attachmentSettings.get() }));

  router.add('GET', '/rest/api/3/attachment/{id}', (ctx) => ({ status: 200, body: s.render.attachmentMetadata(visible(ctx).a) }));

  router.add('GET', '/rest/api/3/attachment/content/{id}', (ctx) => {
    const redirect = booleanParam(ctx.query, 'redirect', true);
    const { a } = visible(ctx);
    if (redirect) {
      // 303 "See the `Location` header for the download URL": the media host, with a short-lived token (media.ts)
      return { status: 303, headers: { location: s.media.downloadUrl(s.baseUrl(), a.mediaFileId, a.filename) } };
    }
    const bytes = s.attachments.content(a.id);
    if (!bytes) throw notFound(String(a.id));
    const header = typeof ctx.headers.range === 'string' ? ctx.headers.range : undefined;
    const range = parseRange(header, bytes.length);
    switch (range.kind) {
      case 'none':
        return { status: 200, raw: { bytes, contentType: a.mimeType } };
      case 'range':
        return {
          status: 206, raw: { bytes: bytes.subarray(range.start, range.end + 1), contentType: a.mimeType },
          headers: { 'content-range': `bytes ${range.start}-${range.end}/${bytes.length}`, 'accept-ranges': 'bytes' },
        };
      case 'unsatisfiable':
        return { status: 416, headers: { 'content-range': `bytes */${bytes.length}` }, body: { errorMessages: [`The range '${header ?? ''}' cannot be satisfied: the attachment has ${bytes.length} bytes.`], errors: {} } };
      case 'malformed':
        throw JiraError.badRequest(`The Range header is malformed: ${range.reason}.`);
    }
  });

  router.add('DELETE', '/rest/api/3/attachment/{id}', (ctx) => {
    const { a } = visible(ctx);
    // "Delete own attachments … created by the calling user", "Delete all attachments … created by any user"
    const own = a.author === ctx.actor.accountId;
    if (!can(ctx, 'DELETE_ALL_ATTACHMENTS') && !(own && can(ctx, 'DELETE_OWN_ATTACHMENTS'))) {
      throw new JiraError(403, [`You do not have permission to delete the attachment with id '${a.id}'.`]);
    }
    s.issues.deleteAttachment(ctx.actor, a);
    return { status: 204 };
  });
}
