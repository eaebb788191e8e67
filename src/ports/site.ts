/** Who this installation is. */
export interface SiteIdentity {
  /** stable id used to break ties (the cloud id) */
  cloudId: string;
  /** the site's display name (may need a metadata read: asked only when a message is built) */
  siteName(): Promise<string>;
  /** this installation's inbox (web trigger) URL */
  inboxUrl(): Promise<string>;
}
