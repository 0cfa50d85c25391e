/**
 * Handler configuration, read once from the environment at cold start. A missing
 * setting fails the cold start with every missing name at once, never a later request.
 */
import { ENV, TABLE_ENV } from '../contract/environment.ts';
import type { TableName } from '../contract/resources.ts';

/** Reads the named settings; throws naming every one that is missing. */
export function requireEnv<K extends string>(
  names: Record<K, string>,
  env: NodeJS.ProcessEnv = process.env,
): Record<K, string> {
  const missing = Object.values<string>(names).filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`missing configuration: set ${missing.join(', ')}`);
  return Object.fromEntries(
    Object.entries<string>(names).map(([key, name]) => [key, env[name] as string]),
  ) as Record<K, string>;
}

/** The physical table names a handler uses. */
export function tableNames<T extends TableName>(
  tables: readonly T[],
  env: NodeJS.ProcessEnv = process.env,
): Record<T, string> {
  return requireEnv(
    Object.fromEntries(tables.map((t) => [t, TABLE_ENV[t]])) as Record<T, string>,
    env,
  );
}

export { ENV };
