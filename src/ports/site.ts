/** Who this installation is. */
export interface SiteIdentity {
  /** stable id used to break ties (the cloud id) */
  cloudId: string;
  siteName: string;
  /** this installation's inbox (web trigger) URL */
  inboxUrl(): Promise<string>;
}
