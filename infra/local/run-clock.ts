/** The clock of a run: the real one, or one that starts on `today` and advances in real time. */
export function runClock(today?: string): () => Date {
  if (!today) return () => new Date();
  const base = Date.parse(`${today}T12:00:00Z`);
  if (Number.isNaN(base)) throw new RangeError(`--today must be a date YYYY-MM-DD, got ${today}`);
  const started = Date.now();
  return () => new Date(base + (Date.now() - started));
}
