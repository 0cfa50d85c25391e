/**
 * An error's message followed by its causes' (`launch Chromium: spawn ETXTBSY`): a wrapper
 * like "launch Chromium" alone does not tell an operator, or a failing test's log, what broke.
 */
export function errorChain(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current) && parts.length < 8) {
    seen.add(current);
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}
