/**
 * The one-machine runtime's logger: JSON lines on stderr (stdout carries the summary),
 * shaped like Powertools' output. Callers pass ids only, never personal data.
 */
import type { Log } from '../../functions/pipeline/ports.ts';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];

export function parseLogLevel(value: string | undefined, fallback: LogLevel): LogLevel {
  const level = value?.toLowerCase();
  return (LEVELS as readonly string[]).includes(level ?? '') ? (level as LogLevel) : fallback;
}

/** A logger writing JSON lines at `level` and above. */
export function jsonLog(
  level: LogLevel,
  write: (line: string) => void,
  service = 'iep-docs-local',
): Log {
  const min = LEVELS.indexOf(level);
  const at =
    (name: LogLevel) =>
    (message: string, attributes?: Record<string, unknown>): void => {
      if (LEVELS.indexOf(name) < min) return;
      write(
        JSON.stringify({
          level: name.toUpperCase(),
          message,
          service,
          timestamp: new Date().toISOString(),
          ...attributes,
        }),
      );
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
