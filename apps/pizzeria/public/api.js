// Talking to the app: the admin token and fetch. The token comes from the URL's fragment
// (`#token=…`, which browsers never send to a server, so it stays out of logs), is kept in this
// tab's sessionStorage, and is removed from the address bar at once.

const TOKEN_KEY = 'pizzeria-admin-token';

/** The admin token: from `#token=…` (then kept for the tab) or from an earlier visit of this tab. */
export function readToken() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** An answer of the API that is not 2xx, in the app's error format `{ error, code }`. */
export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Sends a request (JSON in and out), with the admin token when there is one. */
export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, data?.error ?? response.statusText, data?.code ?? 'E_HTTP');
  }
  return data;
}
