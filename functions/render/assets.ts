/**
 * Where the templates, locales and styles live. In a Lambda bundle they are copied
 * beside the code and `IEP_TEMPLATES_DIR` points at them; in the repository they are
 * in `templates/`.
 */
import { fileURLToPath } from 'node:url';

/** The templates folder (ends with a slash). */
export function templatesDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.IEP_TEMPLATES_DIR;
  if (fromEnv) return fromEnv.endsWith('/') ? fromEnv : `${fromEnv}/`;
  return fileURLToPath(new URL('../../templates/', import.meta.url));
}
