import { createContext, useContext, type MouseEvent, type ReactNode } from 'react';

/**
 * How the page opens Jira issues. A Custom UI page runs in an iframe (on Forge a sandboxed one from
 * another origin, which may not navigate the page around it), so the host opens them: the entry file
 * passes `@forge/bridge`'s `router.open`. Without an opener (component tests) the link's own
 * `target="_blank"` opens it.
 */
export interface LinkHost {
  /** this site's base URL (`view.getContext().siteUrl`); null until known: links are relative then */
  siteUrl: string | null;
  /** opens an issue of this site in a new tab, through the host */
  openIssue?: (issueKey: string) => Promise<void>;
  /** opens an address (an issue of the other site) in a new tab, through the host */
  openUrl?: (url: string) => Promise<void>;
}

const LinkHostContext = createContext<LinkHost>({ siteUrl: null });

export function LinkHostProvider({ host, children }: { host: LinkHost; children: ReactNode }) {
  return <LinkHostContext.Provider value={host}>{children}</LinkHostContext.Provider>;
}

/** `<site>/browse/KEY`; relative (`/browse/KEY`, resolved by the page's origin) without a site URL. */
export function browseUrl(siteUrl: string | null, issueKey: string): string {
  return `${siteUrl === null ? '' : siteUrl.replace(/\/+$/, '')}/browse/${encodeURIComponent(issueKey)}`;
}

function HostLink({ href, open, children, label }: { href: string; open: (() => Promise<void>) | undefined; children: ReactNode; label?: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    // a modified click (new window, download…) stays the browser's own
    if (open === undefined || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    open().catch((error: unknown) => {
      // a host that cannot navigate (the sandbox's bridge has no router): the browser opens it
      console.warn(`The host did not open ${href}:`, error);
      window.open(href, '_blank', 'noopener,noreferrer');
    });
  };
  return <a href={href} target="_blank" rel="noreferrer" onClick={onClick} aria-label={label}>{children}</a>;
}

/** An issue of this site, as a link to it (`/browse/KEY` on this site). */
export function IssueLink({ issueKey }: { issueKey: string }) {
  const host = useContext(LinkHostContext);
  const openIssue = host.openIssue;
  return <HostLink href={browseUrl(host.siteUrl, issueKey)} open={openIssue === undefined ? undefined : () => openIssue(issueKey)}>{issueKey}</HostLink>;
}

/** An issue of the other site: a link when that site's URL is known, else its key as text. */
export function RemoteIssueLink({ issueKey, siteUrl }: { issueKey: string; siteUrl: string | null }) {
  const host = useContext(LinkHostContext);
  if (siteUrl === null) return <>{issueKey}</>;
  const href = browseUrl(siteUrl, issueKey);
  const openUrl = host.openUrl;
  return <HostLink href={href} open={openUrl === undefined ? undefined : () => openUrl(href)}>{issueKey}</HostLink>;
}
