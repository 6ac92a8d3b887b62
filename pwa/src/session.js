// Who is logged in on this phone. Log in online once; afterwards the app opens offline until
// the refresh token expires. The refresh token and every record on the phone are sealed
// under a data key (vault.js) that is wrapped under the phone's platform authenticator
// (WebAuthn PRF) where it has one, else under the person's passphrase through Argon2id
// (kdf.js): a copy of the phone's storage does not hand over the account or the records.
// Five wrong passphrases erase the sealed login (never the outbox): then log in online
// again, and the server's escrow key for this phone and account opens the records again.
// A desk-only person (the command room, reviewers, county users: no field role, and no
// department inspector's certificate) works on a shared office PC, online: no passphrase. The refresh token and the data key live in this
// tab's sessionStorage, gone when the tab or browser closes; the next login's escrow key
// opens what was stored under it again.
import { ApiError, Offline, call } from './api.js';
import { delMeta, getMeta, sealClearPhotos, sealClearValues, setMeta } from './db.js';
import { enrolPrf, kekFor, newArgon2, prfOffered } from './kdf.js';
import * as vault from './vault.js';

const LEGACY_PBKDF2_ROUNDS = 210000; // sessions saved before the vault (4–8 digit PINs)
export const PIN_TRIES = 5;
const enc = new TextEncoder();
const dec = new TextDecoder();

let refreshToken = null;
let access = null; // { token, exp }
let pendingLogin = null; // tokens between the password and the new PIN
let refreshing = null;

const DESK = 'fieldcase.desk'; // { refresh_token, kid, key }: this tab's desk session
const DESK_ROLES = ['dispatcher', 'reviewer', 'leader', 'admin', 'department'];
const FIELD_ROLES = ['officer', 'grid_worker'];

/** Whether this person works at a desk only: their session needs no offline passphrase,
 * and the app opens on the console's inbox. A department's inspector (one who holds an
 * enforcement certificate) is not: he records drawn visits on site, offline, so his phone
 * keeps a sealed session and an outbox that outlives the tab, as an officer's does. */
export function deskOnly(who) {
  const roles = (who && who.roles) || [];
  if (roles.includes('department') && who.certificate_no) return false;
  return roles.some((r) => DESK_ROLES.includes(r)) && !roles.some((r) => FIELD_ROLES.includes(r));
}

const b64 = (bytes) => btoa(String.fromCharCode(...bytes));
const unb64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** This tab's desk session: read (no argument), kept, or dropped (null). */
function deskTab(value) {
  try {
    if (value === undefined) return JSON.parse(sessionStorage.getItem(DESK) || 'null');
    if (value === null) sessionStorage.removeItem(DESK);
    else sessionStorage.setItem(DESK, JSON.stringify(value));
  } catch {
    /* no storage: the session lasts while the page is open */
  }
  return null;
}

/** A desk session: no passphrase; the refresh token and the data key in this tab only. */
async function startDesk() {
  const answer = pendingLogin;
  const { kid, raw } = await dataKeyFor(answer.user, answer);
  vault.useKey(kid, raw);
  keepTokens(answer);
  await sealClearValues();
  await sealClearPhotos();
  await escrowKey(answer.user, answer);
  deskTab({ refresh_token: answer.refresh_token, kid, key: b64(raw) });
  await setMeta('session', { user: answer.user, desk: true, kid, refresh_expires_at: expiresAt(answer) });
  pendingLogin = null;
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
    const tab = deskTab();
    if (!vault.currentKey() && tab) vault.useKey(tab.kid, unb64(tab.key));
    refreshToken = refreshToken || (tab && tab.refresh_token);
    if (vault.currentKey() && refreshToken) return 'open';
    await delMeta('session'); // the tab that held it was closed: log in again
    return 'none';
  }
  return vault.currentKey() && refreshToken ? 'open' : 'locked';
}

/** How this phone unlocks: 'passphrase' or 'device' (the platform authenticator). */
export async function method() {
  const saved = await getMeta('session');
  return saved && saved.kdf && saved.kdf.name === 'prf' ? 'device' : 'passphrase';
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

function keepTokens(answer) {
  refreshToken = answer.refresh_token;
  access = answer.access_token ? { token: answer.access_token, exp: Date.now() + (answer.expires_in - 30) * 1000 } : null;
}

function expiresAt(answer) {
  return answer.refresh_expires_at || new Date(Date.now() + answer.refresh_expires_in * 1000).toISOString();
}

/** The server's escrow keys for this phone in a login or refresh answer, newest first
 * (`device_keys`, each with its secret's id; a server before rotation sends `device_key`). */
function escrows(answer) {
  if (answer.device_keys && answer.device_keys.length) return answer.device_keys;
  return answer.device_key ? [{ id: null, key: answer.device_key }] : [];
}

/**
 * The data key for this account on this phone: the one in use (a PIN being changed), the
 * one an escrow key of the server opens (a forgotten PIN, a new login; the server lists its
 * current escrow secret and those it replaced), or a new one. Records sealed under a key
 * nobody can open any more stay sealed and unread, never deleted.
 */
async function dataKeyFor(who, answer) {
  const open = vault.currentKey();
  if (open) return open;
  const keks = await Promise.all(escrows(answer).map((e) => vault.kekFromEscrow(e.key)));
  for (const [kid, entry] of Object.entries(await getMeta('vault', {}))) {
    if (entry.user_id !== who.id) continue;
    for (const kek of keks) {
      try {
        return { kid, raw: await vault.unwrapKey(kek, entry.escrow) };
      } catch {
        // wrapped under another escrow secret: the next one, else its records stay sealed
      }
    }
  }
  return vault.newDataKey();
}

/** Keeps the data key wrapped under the server's newest escrow key for this phone: once,
 * and again when the server has a new escrow secret (the old is then no longer needed). */
async function escrowKey(who, answer) {
  const open = vault.currentKey();
  const saved = await getMeta('vault', {});
  const [newest] = escrows(answer);
  const kept = saved[open && open.kid];
  if (!newest || !open || (kept && kept.user_id === who.id && (newest.id == null || kept.escrow_id === newest.id))) return;
  const wrapped = await vault.wrapKey(await vault.kekFromEscrow(newest.key), open.raw);
  await setMeta('vault', { ...saved, [open.kid]: { user_id: who.id, escrow: wrapped, escrow_id: newest.id } });
}

/** Whether the phone's own authenticator can hold the key (then no passphrase is needed). */
export async function deviceUnlockOffered() {
  return prfOffered();
}

/**
 * Seals the login and the records under a new passphrase (or, `{ device: true }`, under the
 * phone's authenticator). `pin` must pass kdf.weakness(); the screen says why when it does not.
 */
export async function setPin(pin, { device = false } = {}) {
  const answer = pendingLogin;
  const { kid, raw } = await dataKeyFor(answer.user, answer);
  let kdf = null;
  let kek = null;
  if (device) {
    const enrolled = await enrolPrf(answer.user).catch(() => null);
    if (!enrolled) throw new Error('device_unlock_failed');
    ({ params: kdf, kek } = enrolled);
  } else {
    kdf = newArgon2();
    kek = await kekFor(kdf, pin);
  }
  vault.useKey(kid, raw);
  keepTokens(answer);
  await sealClearValues(); // records an older version left in clear
  await sealClearPhotos();
  await escrowKey(answer.user, answer);
  await setMeta('session', {
    user: answer.user,
    kid,
    kdf,
    wrapped: await vault.wrapKey(kek, raw),
    token: vault.sealValue(answer.refresh_token, 'session'),
    tries: 0,
    refresh_expires_at: expiresAt(answer),
  });
  pendingLogin = null;
  return kdf.name;
}

async function legacyKey(pin, salt) {
  const material = await crypto.subtle.importKey('raw', enc.encode(pin), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', salt, iterations: LEGACY_PBKDF2_ROUNDS, hash: 'SHA-256' },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['decrypt'],
  );
}

async function open(saved, pin) {
  if (!saved.kdf) {
    // Saved by the app before the vault: the old short PIN opens it once, then the person
    // chooses a passphrase and everything is sealed (setPin).
    const key = await legacyKey(pin, saved.salt);
    const token = dec.decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: saved.iv }, key, saved.sealed));
    pendingLogin = { user: saved.user, refresh_token: token, refresh_expires_at: saved.refresh_expires_at };
    return;
  }
  const raw = await vault.unwrapKey(await kekFor(saved.kdf, pin), saved.wrapped);
  vault.useKey(saved.kid, raw);
  refreshToken = vault.openValue(saved.token, 'session');
}

/** Returns true when unlocked; false on a wrong PIN (and erases the token at the last try). */
export async function unlock(pin) {
  const saved = await getMeta('session');
  if (!saved) return false;
  try {
    await open(saved, pin);
    if (saved.tries) await setMeta('session', { ...saved, tries: 0 });
    return true;
  } catch (err) {
    // Only a key that does not open the seal is a wrong PIN (not a cancelled fingerprint,
    // nor a missing script).
    if (!(err instanceof DOMException && err.name === 'OperationError')) throw err;
    // The count only spares a person who mistypes: a copy of the storage is not slowed by
    // it. The key derivation is what holds (README, "A lost or stolen phone").
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
  if (saved && saved.desk) {
    deskTab({ ...deskTab(), refresh_token: answer.refresh_token });
    await setMeta('session', { ...saved, user: answer.user, refresh_expires_at: expiresAt(answer) });
    return;
  }
  await setMeta('session', {
    ...saved,
    user: answer.user,
    token: vault.sealValue(answer.refresh_token, 'session'),
    refresh_expires_at: expiresAt(answer),
  });
  await escrowKey(answer.user, answer); // a phone that had none (upgraded)
}

/** A valid access token, refreshing (once, for every caller) when needed. */
export async function token({ force = false } = {}) {
  if (!vault.currentKey() || !refreshToken) throw new LoggedOut('locked');
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
  lock();
  await delMeta('session'); // the vault stays: the escrow opens the records at the next login
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
  vault.forgetKeys();
  refreshToken = null;
  access = null;
  deskTab(null);
}
