import type { Bilingual } from '../i18n/dictionary.ts';

import type { Role } from '@domain/permissions.ts';

// the roles and what each may do are the server's (server/domain/permissions.ts)
export { ROLES, type Role } from '@domain/permissions.ts';

export const ROLE_LABELS: Record<Role, Bilingual> = {
  planner: { vi: 'Chuyên viên quy hoạch', en: 'Planner' },
  reviewer: { vi: 'Thẩm định (Sở Công Thương)', en: 'Reviewer (Provincial DOIT)' },
  ministry: { vi: 'Bộ Công Thương', en: 'Ministry of Industry and Trade' },
  admin: { vi: 'Quản trị', en: 'Administrator' },
};

export function roleLabel(role: string, locale: keyof Bilingual): string {
  return (ROLE_LABELS as Record<string, Bilingual>)[role]?.[locale] ?? role;
}
