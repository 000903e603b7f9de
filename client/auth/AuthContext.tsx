import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, getJson, postJson } from '../api/http.ts';
import type { Role } from './roles.ts';

export interface User {
  id: number | string;
  username: string;
  role: Role;
  /** Set for provincial accounts (planner, reviewer); null for ministry/admin. */
  province_code: string | null;
  display_name: string;
}

export type AuthStatus = 'loading' | 'ready';

export interface AuthState {
  user: User | null;
  status: AuthStatus;
  login(username: string, password: string): Promise<User>;
  logout(): Promise<void>;
  /** Re-reads the session, e.g. after a 401 from some other call. */
  refresh(): Promise<User | null>;
}

const AuthContext = createContext<AuthState | null>(null);

async function fetchMe(): Promise<User | null> {
  try {
    const body = await getJson<{ user: User | null }>('/api/auth/me');
    return body?.user ?? null;
  } catch (err) {
    // 401: no session; 404: the auth endpoints are not deployed yet
    if (err instanceof ApiError && (err.status === 401 || err.status === 404)) return null;
    throw err;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [status, setStatus] = useState<AuthStatus>('loading');

  const refresh = useCallback(async () => {
    try {
      const me = await fetchMe();
      setUser(me);
      return me;
    } catch (err) {
      console.warn('Could not read the session', err);
      setUser(null);
      return null;
    } finally {
      setStatus('ready');
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const login = useCallback(
    async (username: string, password: string) => {
      const body = await postJson<{ user?: User } | undefined>('/api/auth/login', { username, password });
      // the login response may or may not echo the user; /me is the source of truth
      const me = body?.user ?? (await fetchMe());
      if (!me) throw new ApiError(401, 'unauthorized', 'Login did not create a session');
      setUser(me);
      setStatus('ready');
      return me;
    },
    [],
  );

  const logout = useCallback(async () => {
    try {
      await postJson('/api/auth/logout');
    } catch (err) {
      // already logged out on the server is fine; anything else is worth a console line
      if (!(err instanceof ApiError && (err.status === 401 || err.status === 404))) console.warn('Logout failed', err);
    }
    setUser(null);
  }, []);

  const value = useMemo(() => ({ user, status, login, logout, refresh }), [user, status, login, logout, refresh]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}
