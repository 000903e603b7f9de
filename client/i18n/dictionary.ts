export type Locale = 'vi' | 'en';
export const LOCALES: readonly Locale[] = ['vi', 'en'];
export const DEFAULT_LOCALE: Locale = 'vi';

/** A page's strings: both languages must have the same keys (checked by the compiler via defineDict). */
export interface Dictionary<K extends string = string> {
  vi: Record<K, string>;
  en: Record<K, string>;
}

export function defineDict<K extends string>(dict: { vi: Record<K, string>; en: Record<NoInfer<K>, string> }): Dictionary<K> {
  return dict;
}

/** An inline bilingual value, for data such as route titles or role names. */
export type Bilingual = { vi: string; en: string };

export type TParams = Record<string, string | number>;

/** Replaces `{name}` placeholders. */
export function interpolate(template: string, params?: TParams): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function intlLocale(locale: Locale): string {
  return locale === 'vi' ? 'vi-VN' : 'en-GB';
}
