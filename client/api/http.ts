/**
 * The one way the client talks to the API. Same-origin cookies carry the session; non-GET requests
 * echo the readable `csrf_token` cookie in `X-CSRF-Token` (double-submit CSRF).
 */

/** An API failure. `code` is the server's machine code (`{error:{code,message,details}}`), or `network` / `http-<status>`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  /** Extra headers, e.g. `{ 'If-Match': etag }`. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  data: T;
  /** The ETag to send back as If-Match on the next write, when the server set one. */
  etag: string | null;
  response: Response;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null;
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/** Sends a request and parses JSON; FormData/Blob bodies (uploads) go through untouched. */
export async function request<T>(method: string, url: string, body?: unknown, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers = new Headers(options.headers);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  if (!SAFE_METHODS.has(method)) {
    const csrf = readCookie('csrf_token');
    if (csrf && !headers.has('X-CSRF-Token')) headers.set('X-CSRF-Token', csrf);
  }
  let payload: BodyInit | undefined;
  if (body instanceof FormData || body instanceof Blob || body instanceof URLSearchParams) {
    payload = body;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    if (!headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  }

  let response: Response;
  try {
    response = await fetch(url, { method, headers, body: payload, credentials: 'same-origin', signal: options.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', (err as Error).message || 'Network error');
  }

  const text = response.status === 204 || response.status === 304 ? '' : await response.text();
  const isJson = /\bjson\b/.test(response.headers.get('Content-Type') ?? '');
  let parsed: unknown = text;
  if (isJson && text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ApiError(response.status, 'bad-json', `Unreadable JSON from ${url}`);
    }
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    if (error && typeof error === 'object') {
      throw new ApiError(response.status, error.code ?? `http-${response.status}`, error.message ?? response.statusText, error.details);
    }
    throw new ApiError(response.status, `http-${response.status}`, response.statusText || `HTTP ${response.status}`);
  }
  return { data: (text === '' ? undefined : parsed) as T, etag: response.headers.get('ETag'), response };
}

export async function getJson<T>(url: string, options?: RequestOptions): Promise<T> {
  return (await request<T>('GET', url, undefined, options)).data;
}
export async function postJson<T>(url: string, body?: unknown, options?: RequestOptions): Promise<T> {
  return (await request<T>('POST', url, body, options)).data;
}
export async function putJson<T>(url: string, body?: unknown, options?: RequestOptions): Promise<T> {
  return (await request<T>('PUT', url, body, options)).data;
}
export async function patchJson<T>(url: string, body?: unknown, options?: RequestOptions): Promise<T> {
  return (await request<T>('PATCH', url, body, options)).data;
}
export async function del<T = void>(url: string, options?: RequestOptions): Promise<T> {
  return (await request<T>('DELETE', url, undefined, options)).data;
}

/** Builds `path?a=1&b=2`, skipping undefined/null/'' values. */
export function withQuery(path: string, params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}
