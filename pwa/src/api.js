// HTTP to the sync server. Every failure is one of two kinds: Offline (no answer: try again
// later, nothing is lost) or ApiError (the server answered; its body names the field).
export const BASE = '/api/v1';

export class Offline extends Error {}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

/** ``body``: JSON, or a file (a Blob) sent as its bytes (a register workbook, a letter). */
export async function call(path, { method = 'GET', body, token, blob = false } = {}) {
  const headers = { Accept: blob ? '*/*' : 'application/json' };
  const bytes = body instanceof Blob;
  if (body !== undefined) headers['Content-Type'] = bytes ? 'application/octet-stream' : 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      body: body === undefined || bytes ? body : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (err) {
    throw new Offline(err.message);
  }
  if (res.status >= 500 || res.status === 429) {
    // The seal's token misconfigured (a wrong PIN, no token) is no outage to wait out: the
    // answer names the setting the operator must fix, and the person is told so.
    const body = res.status === 503 ? await res.json().catch(() => null) : null;
    if (body && body.error === 'seal_unavailable') throw new ApiError(res.status, body);
    // A server or proxy in trouble is the same as no network: keep everything, retry.
    throw new Offline(`HTTP ${res.status}`);
  }
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
  if (blob) return res.blob();
  return res.status === 204 ? null : res.json();
}
