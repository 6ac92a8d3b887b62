// Who is logged in on this phone. Log in online once; afterwards the app opens offline until
// the refresh token expires. The refresh token is kept encrypted under a key derived from
// the person's PIN (PBKDF2, AES-GCM, WebCrypto): a lost phone does not hand over the
// account. Five wrong PINs erase the token (never the outbox): then log in online again.
// A desk-only person (the command room, reviewers, county users: no field role) works on a
// shared office PC, online: no PIN, and the refresh token lives in this tab's
// sessionStorage, gone when the tab or browser closes.
import { ApiError, Offline, call } from './api.js';
import { delMeta, getMeta, setMeta } from './db.js';

const PBKDF2_ROUNDS = 210000;
export const PIN_TRIES = 5;
const enc = new TextEncoder();
const dec = new TextDecoder();

let key = null; // the PIN-derived key, in memory only while unlocked
let refreshToken = null;
let access = null; // { token, exp }
let pendingLogin = null; // tokens between the password and the new PIN
let refreshing = null;

const DESK_TOKEN = 'fieldcase.desk_refresh';
const DESK_ROLES = ['dispatcher', 'reviewer', 'leader', 'admin'];
const FIELD_ROLES = ['officer', 'grid_worker'];

/** Whether this person works at a desk only: their session needs no offline PIN, and the
 * app opens on the console's inbox. */
export function deskOnly(who) {
  const roles = (who && who.roles) || [];
  return roles.some((r) => DESK_ROLES.includes(r)) && !roles.some((r) => FIELD_ROLES.includes(r));
}

function deskToken(value) {
  try {
    if (value === undefined) return sessionStorage.getItem(DESK_TOKEN);
    if (value === null) sessionStorage.removeItem(DESK_TOKEN);
    else sessionStorage.setItem(DESK_TOKEN, value);
  } catch {
    /* no storage: the session lasts while the page is open */
  }
  return null;
}

export async function deviceId() {
  let id = await getMeta('device_id');
  if (!id) {
    id = crypto.randomUUID();
    await setMeta('device_id', id);
  }
  return id;
}

/** 'none' (log in online), 'set_pin', 'locked' or 'open'. */
export async function state() {
  if (pendingLogin && deskOnly(pendingLogin.user)) await startDesk();
  if (pendingLogin) return 'set_pin';
  const saved = await getMeta('session');
  if (!saved || Date.parse(saved.refresh_expires_at) <= Date.now()) return 'none';
  if (saved.desk) {
    refreshToken = refreshToken || deskToken();
    if (refreshToken) return 'open';
    await delMeta('session'); // the tab that held it was closed: log in again
    return 'none';
  }
  return key ? 'open' : 'locked';
}

/** A desk session: no PIN; the refresh token in this tab only, never in IndexedDB. */
async function startDesk() {
  const answer = pendingLogin;
  keepTokens(answer);
  deskToken(answer.refresh_token);
  await setMeta('session', {
    user: answer.user,
    desk: true,
    refresh_expires_at: new Date(Date.now() + answer.refresh_expires_in * 1000).toISOString(),
  });
  pendingLogin = null;
}

export async function user() {
  const saved = await getMeta('session');
  return saved ? saved.user : pendingLogin ? pendingLogin.user : null;
}

export async function login(username, password) {
  const answer = await call('/auth/login', {
    method: 'POST',
    body: {
      username,
      password,
      device_id: await deviceId(),
      device_name: navigator.userAgent.slice(0, 100),
    },
  });
  pendingLogin = answer;
  return answer.user;
}

async function deriveKey(pin, salt) {
  const material = await crypto.subtle.importKey('raw', enc.encode(pin), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', salt, iterations: PBKDF2_ROUNDS, hash: 'SHA-256' },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

async function seal(saved, token) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, enc.encode(token));
  return { ...saved, iv, sealed: new Uint8Array(sealed) };
}

function keepTokens(answer) {
  refreshToken = answer.refresh_token;
  access = { token: answer.access_token, exp: Date.now() + (answer.expires_in - 30) * 1000 };
}

export async function setPin(pin) {
  const answer = pendingLogin;
  const salt = crypto.getRandomValues(new Uint8Array(16));
  key = await deriveKey(pin, salt);
  keepTokens(answer);
  const saved = await seal(
    {
      user: answer.user,
      salt,
      tries: 0,
      refresh_expires_at: new Date(Date.now() + answer.refresh_expires_in * 1000).toISOString(),
    },
    answer.refresh_token,
  );
  await setMeta('session', saved);
  pendingLogin = null;
}

/** Returns true when unlocked; false on a wrong PIN (and erases the token at the last try). */
export async function unlock(pin) {
  const saved = await getMeta('session');
  if (!saved) return false;
  const candidate = await deriveKey(pin, saved.salt);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: saved.iv },
      candidate,
      saved.sealed,
    );
    key = candidate;
    refreshToken = dec.decode(plain);
    if (saved.tries) await setMeta('session', { ...saved, tries: 0 });
    return true;
  } catch {
    const tries = (saved.tries || 0) + 1;
    if (tries >= PIN_TRIES) await delMeta('session');
    else await setMeta('session', { ...saved, tries });
    return false;
  }
}

export async function triesLeft() {
  const saved = await getMeta('session');
  return saved ? PIN_TRIES - (saved.tries || 0) : 0;
}

export class LoggedOut extends Error {}

async function rotate() {
  let answer;
  try {
    answer = await call('/auth/refresh', { method: 'POST', body: { refresh_token: refreshToken } });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      // Expired, revoked or reused: this phone must log in online again. The outbox stays.
      await forget();
      throw new LoggedOut(err.message);
    }
    throw err;
  }
  keepTokens(answer);
  const saved = await getMeta('session');
  const expires = new Date(Date.now() + answer.refresh_expires_in * 1000).toISOString();
  if (saved && saved.desk) {
    deskToken(answer.refresh_token);
    await setMeta('session', { ...saved, user: answer.user, refresh_expires_at: expires });
    return;
  }
  await setMeta(
    'session',
    await seal(
      {
        ...saved,
        user: answer.user,
        refresh_expires_at: expires,
      },
      answer.refresh_token,
    ),
  );
}

/** A valid access token, refreshing (once, for every caller) when needed. */
export async function token({ force = false } = {}) {
  if (!refreshToken) throw new LoggedOut('locked'); // held only while unlocked (or at a desk)
  if (!force && access && access.exp > Date.now()) return access.token;
  if (!refreshing) refreshing = rotate().finally(() => (refreshing = null));
  await refreshing;
  return access.token;
}

/** An API call as the logged-in person; one retry with a fresh token after a 401. */
export async function authed(path, options = {}) {
  try {
    return await call(path, { ...options, token: await token() });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      return call(path, { ...options, token: await token({ force: true }) });
    }
    throw err;
  }
}

/** A file the server keeps (a document's PDF), with the same token handling. */
export function authedBlob(path) {
  return authed(path, { blob: true });
}

async function forget() {
  key = null;
  refreshToken = null;
  access = null;
  deskToken(null);
  await delMeta('session');
}

export async function logout() {
  try {
    if (refreshToken) {
      await call('/auth/logout', {
        method: 'POST',
        body: { refresh_token: refreshToken },
        token: await token(),
      });
    }
  } catch (err) {
    if (!(err instanceof Offline || err instanceof ApiError || err instanceof LoggedOut)) throw err;
  }
  await forget();
}

export function lock() {
  key = null;
  refreshToken = null;
  access = null;
}
