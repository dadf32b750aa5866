/*
 * The REST API as the pages use it: JSON in and out, the double-submit CSRF header on every
 * change, and the contract's error body ({"error":{"code","message","fields"?}}) turned into an
 * ApiError the pages can show.
 */

/** A failed API call: HTTP status, contract error code, message for humans, field problems. */
export class ApiError extends Error {
  constructor(status, code, message, fields) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields || null;
  }
}

export function cookie(name) {
  const prefix = name + '=';
  for (const part of document.cookie.split(';')) {
    const c = part.trim();
    if (c.startsWith(prefix)) {
      return decodeURIComponent(c.substring(prefix.length));
    }
  }
  return null;
}

async function rawRequest(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') {
    const token = cookie('XSRF-TOKEN');
    if (token) {
      headers['X-XSRF-TOKEN'] = token;
    }
  }
  const init = { method: method, headers: headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
  }
  const text = res.status === 204 ? '' : await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = null;
    }
  }
  if (!res.ok) {
    const error = (data && data.error) || {};
    throw new ApiError(res.status, error.code || ('http_' + res.status),
      error.message || ('The server answered ' + res.status + '.'), error.fields);
  }
  return data;
}

/**
 * One API call. A 403 `csrf` (no token cookie yet, or it was cleared) fetches a token with
 * GET /api/auth/csrf and tries once more.
 */
export async function api(method, path, body) {
  try {
    return await rawRequest(method, path, body);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'csrf') {
      await rawRequest('GET', '/api/auth/csrf');
      return rawRequest(method, path, body);
    }
    throw e;
  }
}

/** A random id for a message's client_id (idempotency key); crypto.randomUUID needs a secure context. */
export function newClientId() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') {
    return window.crypto.randomUUID();
  }
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/** Finds people by name (the pickers of both pages). */
export function searchUsers(q) {
  return api('GET', '/api/users?limit=10&search=' + encodeURIComponent(q)).then(r => r.users);
}
