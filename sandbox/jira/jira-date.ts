/** Jira's timestamp format, e.g. `2026-11-26T18:00:00.000+0000` (the site's time zone is UTC). */
export function jiraDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000');
}

/** true for a real calendar date written `YYYY-MM-DD` */
export function isIsoDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}
