import { CSPInjectionService, CSPProcessingService } from '@forge/csp';
import type { Permissions } from '@forge/manifest';
import { load } from 'cheerio';

/*
 * The Content-Security-Policy of a Custom UI page, derived as Forge derives it, with Atlassian's
 * own code: `@forge/csp` (the package the Forge CLI's tunnel uses to serve Custom UI).
 *
 * What Atlassian documents:
 * - https://developer.atlassian.com/platform/forge/add-content-security-and-egress-controls/
 *   "By default, Atlassian blocks any policies that are considered unsafe for your custom UI app.
 *   To include items, such as inline CSS, you need to declare these items in the manifest.yml"
 *   (`permissions.content.styles: ['unsafe-inline']`); front-end egress (images, fetch from the
 *   page…) is declared in `permissions.external`.
 * - https://developer.atlassian.com/platform/forge/manifest-reference/permissions/
 *   `permissions.content.scripts` sources (unsafe-inline, unsafe-hashes, unsafe-eval, blob:) and
 *   `styles` are "included in the CSP header for all modules using custom UI";
 *   `external.fetch.client`, `images`, `media`, `scripts`, `styles`, `fonts`, `frames` list the
 *   domains the page may reach.
 * - https://developer.atlassian.com/platform/forge/custom-ui/iframe
 *   the iframe's sandbox restrictions, which cannot be changed by the app.
 *
 * Which directive each declaration lands in, and everything else in the header, is not spelled
 * out there; `@forge/csp` does it:
 * - `CSPProcessingService.getCspDetails(html, permissions)`: content.styles → style-src,
 *   content.scripts and a sha256 hash of every inline <script> of the page → script-src,
 *   external.fetch.client → connect-src, images → img-src, media, fonts, frames, scripts, styles
 *   → their *-src;
 * - `CSPInjectionService.getInjectableCSP(...)`: the whole header for the production CDN
 *   ('self', Forge's CDN and object-store hosts, the Atlassian image/media hosts, the product
 *   site as `hostname`, `form-action 'self'`, the `sandbox` directive) with those sources added.
 *
 * The sandbox asks for the production policy ('prod', no tunnel reporter, so no
 * `http://localhost:*`/`ws://localhost:*` in connect-src, which only `forge tunnel` gets). The
 * page is served from the site's own loopback origin, so 'self' stands for Forge's CDN origin
 * and also covers the bridge's invoke route (`/_sandbox/invoke` or the host's own, both relative
 * to the page). The only change to the package's header: `report-uri` names the sandbox's own
 * report route instead of Atlassian's collector, so no violation report ever leaves the machine.
 */

export interface PageCspOptions {
  /** `permissions.content` and `.external` of manifest.yml (`readUiManifest(...).cspPermissions`) */
  permissions: Permissions;
  /** the resource's index.html as the app built it (before the sandbox injects its bridge) */
  html: string | Buffer;
  /** origin of the product site that embeds the page (Forge's `hostname`), e.g. http://127.0.0.1:7101 */
  siteOrigin: string;
  /** where the browser sends violation reports (a same-origin path of the sandbox) */
  reportUri: string;
}

/** The @forge/csp services log only "discarding potentially-malicious CSP"; the sandbox refuses those values up front instead. */
const quietLogger = { info: (): void => undefined };

/** The Content-Security-Policy header value Forge would serve the page with. */
export function pageCsp(options: PageCspOptions): string {
  const details = new CSPProcessingService(quietLogger, load).getCspDetails(options.html, options.permissions);
  const directives = new CSPInjectionService().getInjectableCSP({
    existingCSPDetails: details,
    microsEnv: 'prod',
    hostname: options.siteOrigin,
  });
  return directives.map((d) => (d.startsWith('report-uri ') ? `report-uri ${options.reportUri}` : d)).join('; ');
}

/**
 * `permissions.content` values that Forge drops silently from the header (not an allowed source,
 * or not a valid hash). The sandbox refuses to start with them, so a typo does not go unnoticed.
 */
export function invalidContentPermissions(permissions: Permissions): string[] {
  return new CSPProcessingService(quietLogger, load).getInvalidCspPermissions(permissions.content ?? {});
}

/** The header's directives by name, each with its sources (for tests and for reading it). */
export function parseCsp(header: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name !== undefined && name !== '' && !out.has(name)) out.set(name.toLowerCase(), sources);
  }
  return out;
}
