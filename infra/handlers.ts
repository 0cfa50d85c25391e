/**
 * The Lambda entry points of the stack. Every one is required: a handler file renamed or
 * missing fails synth with its name, rather than deploying a stack without that function.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Every handler the stack wires, by the name of its file in `functions/handlers/`. */
export const HANDLER_NAMES = [
  'render-documents',
  'deliver',
  'delivery-status',
  'download',
  'review-sweep',
  'regenerate',
  'stream-dead-letter',
  'meeting-notices',
  'render-translations',
  'response-follow-up',
] as const;

/** A handler's name. */
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** Absolute entry file per handler (each exports `handler`). */
export type HandlerEntries = Record<HandlerName, string>;

/**
 * The entry files under `<projectRoot>/functions/handlers/`.
 * @throws naming every handler whose file is missing.
 */
export function handlerEntries(projectRoot: string): HandlerEntries {
  const entries = Object.fromEntries(
    HANDLER_NAMES.map((name) => [name, join(projectRoot, 'functions', 'handlers', `${name}.ts`)]),
  ) as HandlerEntries;
  const missing = HANDLER_NAMES.filter((name) => !existsSync(entries[name]));
  if (missing.length > 0) {
    throw new Error(
      `Handler file missing: ${missing.map((name) => `functions/handlers/${name}.ts`).join(', ')} ` +
        '(the stack wires every handler of infra/handlers.ts HANDLER_NAMES; rename it there too)',
    );
  }
  return entries;
}
