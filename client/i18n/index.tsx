import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { commonDict, type CommonKey } from './common.ts';
import { DEFAULT_LOCALE, LOCALES, interpolate, intlLocale, type Bilingual, type Dictionary, type Locale, type TParams } from './dictionary.ts';

export { defineDict, LOCALES, type Bilingual, type Dictionary, type Locale, type TParams } from './dictionary.ts';

const STORAGE_KEY = 'cluster-atlas.locale';

interface LocaleState {
  locale: Locale;
  setLocale(locale: Locale): void;
}

const LocaleContext = createContext<LocaleState>({ locale: DEFAULT_LOCALE, setLocale: () => undefined });

function initialLocale(): Locale {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored && (LOCALES as readonly string[]).includes(stored)) return stored as Locale;
  } catch {
    // storage blocked (private mode): fall back to Vietnamese
  }
  return DEFAULT_LOCALE;
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // not persisted; the choice still holds for this visit
    }
  }, []);
  const value = useMemo(() => ({ locale, setLocale }), [locale, setLocale]);
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

export function useLocale(): LocaleState {
  return useContext(LocaleContext);
}

export type TFunction<K extends string> = (key: K, params?: TParams) => string;

/**
 * Translator for the common strings plus an optional page dictionary (`import { dict } from './i18n.ts'`).
 * Lookup order: page[locale], common[locale], page.vi, common.vi, then the key itself.
 * Pass a module-level constant so the returned function stays stable between renders.
 */
export function useT<K extends string = never>(pageDict?: Dictionary<K>): TFunction<K | CommonKey> {
  const { locale } = useLocale();
  return useCallback(
    (key: K | CommonKey, params?: TParams) => {
      const page = pageDict as Dictionary<string> | undefined;
      const common = commonDict as Dictionary<string>;
      const template = page?.[locale][key] ?? common[locale][key] ?? page?.vi[key] ?? common.vi[key] ?? key;
      return interpolate(template, params);
    },
    [locale, pageDict],
  );
}

/** Picks the current language from an inline `{vi, en}` value. */
export function usePick(): (value: Bilingual) => string {
  const { locale } = useLocale();
  return useCallback((value: Bilingual) => value[locale], [locale]);
}

/** Locale-aware number formatting (vi: 1.234,5 — en: 1,234.5). */
export function useFormatNumber(): (value: number, options?: Intl.NumberFormatOptions) => string {
  const { locale } = useLocale();
  return useCallback((value: number, options?: Intl.NumberFormatOptions) => new Intl.NumberFormat(intlLocale(locale), options).format(value), [locale]);
}
