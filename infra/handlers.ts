/**
 * The Lambda entry points the stack knows about. The stack wires a function only when its
 * handler file exists, so it covers what the tree holds; each file exports `handler`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Every handler the stack can wire, by the name of its file in `functions/handlers/`. */
export const HANDLER_NAMES = [
  'render-documents',
  'deliver',
  'delivery-status',
  'download',
  'review-sweep',
  'regenerate',
  'stream-dead-letter',
] as const;

/** A handler's name. */
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** Absolute entry file per handler; a missing one is not deployed. */
export type HandlerEntries = Partial<Record<HandlerName, string>>;

/** The handlers present under `<projectRoot>/functions/handlers/`. */
export function discoverHandlers(projectRoot: string): HandlerEntries {
  const entries: HandlerEntries = {};
  for (const name of HANDLER_NAMES) {
    const entry = join(projectRoot, 'functions', 'handlers', `${name}.ts`);
    if (existsSync(entry)) entries[name] = entry;
  }
  return entries;
}
