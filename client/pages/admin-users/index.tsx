import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, getJson, postJson } from '../../api/http.ts';
import { ROLES, roleLabel, type Role } from '../../auth/roles.ts';
import type { PageProps } from '../../app/route-types.ts';
import { useLocale, useT } from '../../i18n/index.tsx';
import { formatDateTime } from '../../clusters/HistoryPanel.tsx';
import { dict } from './i18n.ts';
import { PASSWORD_MIN_CHARS } from '@domain/password-policy';
import './admin-users.css';

interface UserRow {
  id: number;
  username: string;
  role: Role;
  province_code: string | null;
  display_name: string | null;
  disabled?: boolean;
  created_at?: string;
}

interface ProvinceOption {
  code: string;
  name: string;
}

const SCOPED: readonly Role[] = ['planner', 'reviewer'];

/** Admin: the accounts and a form to create one (POST /api/users). */
export default function AdminUsersPage(_props: PageProps) {
  const t = useT(dict);
  const { locale } = useLocale();
  const [users, setUsers] = useState<UserRow[] | null>(null);
  const [provinces, setProvinces] = useState<ProvinceOption[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState({ username: '', display_name: '', password: '', role: 'planner' as Role, province_code: '' });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const body = await getJson<{ users: UserRow[] }>('/api/users');
      setUsers(body.users);
    } catch (err) {
      setError((err as Error).message);
    }
  }, []);

  useEffect(() => {
    void load();
    getJson<{ features: { properties: ProvinceOption }[] }>('/api/provinces') // scopes are 2025 units
      .then((fc) => setProvinces(fc.features.map((f) => ({ code: f.properties.code, name: f.properties.name })).sort((a, b) => a.code.localeCompare(b.code))))
      .catch(() => setProvinces([]));
  }, [load]);

  const scoped = SCOPED.includes(form.role);
  const provinceName = (code: string | null) => (code ? `${code} · ${provinces.find((p) => p.code === code)?.name ?? ''}` : t('noProvince'));

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblems({});
    setNotice(null);
    setError(null);
    try {
      const body = {
        username: form.username.trim(),
        password: form.password,
        role: form.role,
        province_code: scoped ? form.province_code || null : null,
        ...(form.display_name.trim() ? { display_name: form.display_name.trim() } : {}),
      };
      const res = await postJson<{ user: UserRow }>('/api/users', body);
      setNotice(t('createdOk', { username: res.user.username }));
      setForm({ ...form, username: '', display_name: '', password: '' });
      await load();
    } catch (err) {
      if (err instanceof ApiError && Array.isArray(err.details)) {
        const map: Record<string, string> = {};
        for (const d of err.details as { field?: string; message?: string }[]) if (d.field) map[d.field] = d.message ?? '';
        setProblems(map);
      }
      setError(err instanceof ApiError && err.status === 409 ? t('exists') : (err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (f: string) =>
    problems[f] ? (
      <span className="ca-field__error" role="alert">
        {problems[f]}
      </span>
    ) : null;

  return (
    <div className="admin-users">
      <h1 className="admin-users__title">{t('title')}</h1>
      <div className="admin-users__layout">
        <section className="admin-users__card" aria-labelledby="users-list">
          <h2 id="users-list">{t('list')}</h2>
          {users && users.length === 0 && <p className="muted">{t('empty')}</p>}
          {users && users.length > 0 && (
            <table className="ca-table" data-testid="users-table">
              <thead>
                <tr>
                  <th scope="col">{t('username')}</th>
                  <th scope="col">{t('role')}</th>
                  <th scope="col">{t('province')}</th>
                  <th scope="col">{t('created')}</th>
                  <th scope="col">{t('status')}</th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.id} data-username={u.username}>
                    <td>
                      <strong>{u.username}</strong>
                      {u.display_name && u.display_name !== u.username ? <div className="muted">{u.display_name}</div> : null}
                    </td>
                    <td>{roleLabel(u.role, locale)}</td>
                    <td>{provinceName(u.province_code)}</td>
                    <td>{formatDateTime(u.created_at, locale)}</td>
                    <td>{u.disabled ? t('disabled') : t('active')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section className="admin-users__card" aria-labelledby="users-create">
          <h2 id="users-create">{t('create')}</h2>
          <form className="form" onSubmit={onSubmit} noValidate>
            <label className="form__field">
              <span className="form__label">{t('username')}</span>
              <input className="input" name="username" autoComplete="off" autoCapitalize="none" spellCheck={false} value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} required />
              {fieldError('username')}
            </label>
            <label className="form__field">
              <span className="form__label">{t('displayName')}</span>
              <input className="input" name="display_name" autoComplete="off" value={form.display_name} onChange={(e) => setForm({ ...form, display_name: e.target.value })} />
            </label>
            <label className="form__field">
              <span className="form__label">{t('password')}</span>
              <input className="input" type="password" name="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} required minLength={PASSWORD_MIN_CHARS} />
              <span className="ca-hint">{t('passwordHint')}</span>
              {fieldError('password')}
            </label>
            <label className="form__field">
              <span className="form__label">{t('role')}</span>
              <select className="input input--select" name="role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {roleLabel(r, locale)}
                  </option>
                ))}
              </select>
              {fieldError('role')}
            </label>
            <label className="form__field">
              <span className="form__label">{t('province')}</span>
              <select className="input input--select" name="province_code" value={scoped ? form.province_code : ''} disabled={!scoped} onChange={(e) => setForm({ ...form, province_code: e.target.value })}>
                <option value="">{t('noProvince')}</option>
                {provinces.map((p) => (
                  <option key={p.code} value={p.code}>
                    {p.code} · {p.name}
                  </option>
                ))}
              </select>
              <span className="ca-hint">{t('provinceHint')}</span>
              {fieldError('province_code')}
            </label>
            {error && (
              <p className="form__error" role="alert">
                {error}
              </p>
            )}
            {notice && (
              <p className="admin-users__ok" role="status">
                {notice}
              </p>
            )}
            <button type="submit" className="button button--primary" disabled={busy || !form.username.trim() || !form.password || (scoped && !form.province_code)}>
              {busy ? t('creating') : t('create')}
            </button>
          </form>
        </section>
      </div>
    </div>
  );
}
