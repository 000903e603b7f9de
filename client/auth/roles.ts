import type { Bilingual } from '../i18n/dictionary.ts';

export type Role = 'planner' | 'reviewer' | 'ministry' | 'admin';
export const ROLES: readonly Role[] = ['planner', 'reviewer', 'ministry', 'admin'];

export const ROLE_LABELS: Record<Role, Bilingual> = {
  planner: { vi: 'Chuyên viên quy hoạch', en: 'Planner' },
  reviewer: { vi: 'Thẩm định (Sở Công Thương)', en: 'Reviewer (Provincial DOIT)' },
  ministry: { vi: 'Bộ Công Thương', en: 'Ministry of Industry and Trade' },
  admin: { vi: 'Quản trị', en: 'Administrator' },
};

export function roleLabel(role: string, locale: keyof Bilingual): string {
  return (ROLE_LABELS as Record<string, Bilingual>)[role]?.[locale] ?? role;
}
