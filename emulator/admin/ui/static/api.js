// The control API as the page calls it: same origin, one level above the page (/_telemock/).
// With an admin token the guard wants `Authorization: Bearer <token>`; the token is asked for
// once and kept for this tab only (sessionStorage), never in the URL.

const BASE = new URL("../", document.baseURI);
const TOKEN_KEY = "telemock.adminToken";

export class Unauthorized extends Error {}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function savedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

export async function call(method, path, { params, body } = {}) {
  const url = new URL(path, BASE);
  for (const [name, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  const headers = { Accept: "application/json" };
  const token = savedToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = { method, headers, cache: "no-store" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  const data = await response.json().catch(() => null);
  const error = data && data.error ? data.error : {};
  if (response.status === 401) throw new Unauthorized(error.message || "the control API wants the admin token");
  if (!response.ok) throw new ApiError(response.status, error.code, error.message || `${response.status} ${response.statusText}`);
  return data;
}

export const get = (path, params) => call("GET", path, { params });
export const post = (path, body) => call("POST", path, { body });
export const put = (path, body) => call("PUT", path, { body });
export const del = (path) => call("DELETE", path);
