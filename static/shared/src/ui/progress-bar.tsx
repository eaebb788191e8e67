/** Bulk progress: done (brand colour) and failed (danger colour) parts of one bar. */
export function ProgressBar({ done, failed, total, label }: { done: number; failed: number; total: number; label: string }) {
  const safeTotal = Math.max(total, 0);
  const share = (n: number) => (safeTotal === 0 ? 0 : Math.min(100, (Math.max(n, 0) / safeTotal) * 100));
  const finished = Math.min(done + failed, safeTotal);
  const complete = safeTotal > 0 && finished >= safeTotal;
  return (
    <div
      className={complete ? 'ts-progress ts-progress--complete' : 'ts-progress'}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={safeTotal}
      aria-valuenow={finished}
      aria-valuetext={`${done} done, ${failed} failed, of ${safeTotal}`}
    >
      <div className="ts-progress-done" style={{ width: `${share(done)}%` }} />
      <div className="ts-progress-failed" style={{ width: `${share(failed)}%` }} />
    </div>
  );
}
