/**
 * Which locale serves a language tag: BCP 47 lookup (RFC 4647 3.4), exact tag first,
 * then shorter prefixes, with the aliases the product's users need.
 */

/** Tags that name the same language as a locale we ship under another tag. */
const ALIASES: Readonly<Record<string, string>> = {
  zh: 'zh-Hans',
  'zh-CN': 'zh-Hans',
  'zh-SG': 'zh-Hans',
  fil: 'tl',
  iw: 'he',
};

/**
 * Chinese written in Traditional characters (explicitly, or by the regions that use them):
 * a Simplified document is not a translation its reader asked for.
 */
function isTraditionalChinese(canonical: string): boolean {
  const [language, ...subtags] = canonical.split('-');
  if (language !== 'zh') return false;
  if (subtags.includes('Hant')) return true;
  if (subtags.includes('Hans')) return false;
  return subtags.some((s) => s === 'TW' || s === 'HK' || s === 'MO');
}

/** The locale of `available` that serves `tag`, or undefined when none does. */
export function matchLocale(tag: string, available: readonly string[]): string | undefined {
  let canonical: string;
  try {
    canonical = Intl.getCanonicalLocales(tag)[0] ?? tag;
  } catch {
    return undefined;
  }
  const byLower = new Map(available.map((a) => [a.toLowerCase(), a]));
  const traditional = isTraditionalChinese(canonical);
  const parts = canonical.split('-');
  while (parts.length > 0) {
    const candidate = parts.join('-');
    const alias = traditional ? undefined : ALIASES[candidate];
    const hit = byLower.get(candidate.toLowerCase()) ?? byLower.get((alias ?? '').toLowerCase());
    if (hit) return hit;
    parts.pop();
  }
  return undefined;
}
