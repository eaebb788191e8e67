/** "3 min ago"-style text for an epoch-ms time, with the exact time as a tooltip. */
export function describeAge(at: number, now: number): string {
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 0) return 'just now';
  if (seconds < 45) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

/** A time as resolvers send it (ISO text, src/contracts/result-fields.ts IsoTimeSchema), as "3 min ago"; `empty` for null. */
export function TimeText({ at, empty = 'never', now = Date.now() }: { at: string | null; empty?: string; now?: number }) {
  if (at === null) return <span className="ts-subtle">{empty}</span>;
  const date = new Date(at);
  return (
    <time dateTime={date.toISOString()} title={date.toLocaleString()}>
      {describeAge(date.getTime(), now)}
    </time>
  );
}

/** "in 23 h" / "expired" for an expiry time. */
export function describeExpiry(at: number, now: number): string {
  const minutes = Math.round((at - now) / 60000);
  if (minutes <= 0) return 'expired';
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `in ${hours} h` : `in ${Math.round(hours / 24)} d`;
}
