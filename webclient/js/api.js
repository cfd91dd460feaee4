/**
 * Thin fetch wrapper for the customer-chat HTTP api.
 *
 * api(path, {method, body, token}) sends JSON, adds "Authorization: Bearer",
 * and resolves to the parsed JSON body (null for 204). Failures throw an
 * ApiError carrying `status` (0 for network errors), the server's `detail` and,
 * for 429, `retryAfter` (seconds, from the Retry-After header, or null).
 * tokenExpiry(token) reads the JWT `exp` claim (no verification: display only).
 */

export class ApiError extends Error {
  constructor(status, detail, retryAfter = null) {
    super(detail || `Request failed (${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.retryAfter = retryAfter;
  }
}

/** Turn FastAPI's `detail` (a string or a list of validation errors) into one sentence. */
function detailText(payload, status) {
  const detail = payload && payload.detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail.map((item) => (item && item.msg) || String(item)).join('; ');
  }
  return status >= 500 ? 'The server had a problem. Please try again.' : `Request failed (${status})`;
}

/** Call the api and return the decoded JSON body; throw ApiError on failure. */
export async function api(path, { method = 'GET', body, token } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;

  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'Cannot reach the server. Please check your connection.');
  }

  const text = await response.text();
  let payload = null;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = null;
    }
  }
  if (!response.ok) {
    const retryAfter = Number.parseInt(response.headers.get('Retry-After') || '', 10);
    throw new ApiError(response.status, detailText(payload, response.status), Number.isNaN(retryAfter) ? null : retryAfter);
  }
  return payload;
}

/** Return the expiry of a JWT as epoch milliseconds, or null if it cannot be read. */
export function tokenExpiry(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = part + '='.repeat((4 - (part.length % 4)) % 4);
    const claims = JSON.parse(atob(padded));
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

/** Return true when the token's `exp` lies less than `marginMs` in the future. */
export function tokenExpired(token, marginMs = 0) {
  const expiry = tokenExpiry(token);
  return expiry !== null && expiry - marginMs <= Date.now();
}
