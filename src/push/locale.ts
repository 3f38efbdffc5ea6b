/** Keys Parse localizes: `alert-fr` replaces `alert` for installations whose localeIdentifier starts with `fr`. */
const LOCALIZABLE = ['alert', 'title'];

function localeOf(key: string): string | undefined {
  for (const base of LOCALIZABLE) if (key.startsWith(`${base}-`) && key.length > base.length + 1) return key.slice(base.length + 1);
  return undefined;
}

/**
 * The data each installation gets, by its localeIdentifier, as Parse's push utils build it:
 * the localized alert and title where the data has them, the `…-xx` keys never sent.
 */
export class LocalizedData {
  private readonly base: Record<string, unknown>;
  private readonly locales: string[];
  private readonly byLocale = new Map<string, Record<string, unknown>>();

  constructor(private readonly data: Record<string, unknown>) {
    const base: Record<string, unknown> = {};
    const locales = new Set<string>();
    for (const [key, value] of Object.entries(data)) {
      const locale = localeOf(key);
      if (locale) locales.add(locale);
      else base[key] = value;
    }
    this.base = base;
    this.locales = [...locales];
  }

  /** The data for an installation's localeIdentifier (e.g. "fr-FR"); the base data without a match. */
  for(localeIdentifier: string | null | undefined): Record<string, unknown> {
    if (!localeIdentifier || this.locales.length === 0) return this.base;
    const locale = this.locales.find((l) => localeIdentifier.startsWith(l));
    if (!locale) return this.base;
    let localized = this.byLocale.get(locale);
    if (!localized) {
      localized = { ...this.base };
      for (const key of LOCALIZABLE) {
        const value = this.data[`${key}-${locale}`];
        if (value) localized[key] = value;
      }
      this.byLocale.set(locale, localized);
    }
    return localized;
  }
}
