// The phone's records at rest: every value the app stores is sealed (AES-256-GCM) under a
// random data key that lives in memory only while the app is unlocked. On the storage the
// data key exists only wrapped: under a key derived from the person's passphrase (Argon2id)
// or from the phone's secure hardware (WebAuthn PRF), and under a key the server gives
// back at each online login of the same account on this phone (the escrow: a forgotten PIN
// never loses a record). A copy of the browser's storage holds no key to any of it.
//
// Values are sealed synchronously (@noble/ciphers): an IndexedDB transaction commits as
// soon as it waits on anything but its own requests, and WebCrypto only answers later, so
// WebCrypto cannot seal inside the app's transactions (an outbox write and its draft go in
// one). WebCrypto does what happens outside them: the key wrapping, the HKDF and photos.
import { gcm } from '@noble/ciphers/aes.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const EXTRA = '\u0000x'; // marks where a Blob or byte array taken out of the JSON went back
export const SEALED_TYPE = 'application/vnd.fieldcase.sealed';

export class Locked extends Error {
  constructor() {
    super('locked');
  }
}

const ring = new Map(); // kid → raw data key (Uint8Array), while unlocked
let current = null; // the kid new values are sealed under

export function useKey(kid, raw) {
  ring.set(kid, raw);
  current = kid;
}

export function forgetKeys() {
  for (const raw of ring.values()) raw.fill(0);
  ring.clear();
  current = null;
}

export function currentKey() {
  return current ? { kid: current, raw: ring.get(current) } : null;
}

export function isSealed(stored) {
  return !!stored && typeof stored === 'object' && stored.$ct instanceof Uint8Array;
}

export function newDataKey() {
  return { kid: crypto.randomUUID(), raw: crypto.getRandomValues(new Uint8Array(32)) };
}

/**
 * `value` sealed under the current key; `clear` names the fields that stay readable (key
 * paths and indexed fields: the store needs them). `aad` binds the value to its store.
 */
export function sealValue(value, aad, clear = []) {
  if (!current) throw new Locked();
  const extras = [];
  const json = JSON.stringify(value, (_k, v) => {
    if ((typeof Blob !== 'undefined' && v instanceof Blob) || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
      extras.push(v);
      return { [EXTRA]: extras.length - 1 };
    }
    return v;
  });
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = { $k: current, $iv: iv, $ct: gcm(ring.get(current), iv, enc.encode(aad)).encrypt(enc.encode(json ?? 'null')) };
  if (extras.length) sealed.$x = extras;
  for (const f of clear) if (value && value[f] !== undefined) sealed[f] = value[f];
  return sealed;
}

export const UNREADABLE = Symbol('unreadable');

/** The value back, or UNREADABLE when its key is not in memory (locked, or another login's). */
export function openValue(stored, aad) {
  if (!isSealed(stored)) return stored; // from before this app version: sealed at next unlock
  const raw = ring.get(stored.$k);
  if (!raw) return UNREADABLE;
  const plain = gcm(raw, stored.$iv, enc.encode(aad)).decrypt(stored.$ct);
  return JSON.parse(dec.decode(plain), (_k, v) => (v && typeof v === 'object' && EXTRA in v ? stored.$x[v[EXTRA]] : v));
}

// Photos: sealed with WebCrypto before the transaction that stores them, as a Blob of the
// sealed type whose bytes are kid (36) ‖ iv (12) ‖ ciphertext.
async function aesKey(raw, usage) {
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, usage);
}

export async function sealBlob(blob) {
  if (!current || !(blob instanceof Blob) || blob.type.startsWith(SEALED_TYPE)) return blob;
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await aesKey(ring.get(current), ['encrypt']), await blob.arrayBuffer());
  return new Blob([enc.encode(current), iv, ct], { type: `${SEALED_TYPE}; inner=${blob.type || 'application/octet-stream'}` });
}

export async function openBlob(blob) {
  if (!(blob instanceof Blob) || !blob.type.startsWith(SEALED_TYPE)) return blob;
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const raw = ring.get(dec.decode(bytes.subarray(0, 36)));
  if (!raw) throw new Locked();
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: bytes.subarray(36, 48) },
    await aesKey(raw, ['decrypt']),
    bytes.subarray(48),
  );
  return new Blob([plain], { type: blob.type.split('inner=')[1] });
}

/** `value` with every Blob inside it (a draft's photos) passed through `fn`. */
export async function mapBlobs(value, fn) {
  if (value instanceof Blob) return fn(value);
  if (Array.isArray(value)) return Promise.all(value.map((v) => mapBlobs(v, fn)));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = await mapBlobs(v, fn);
    return out;
  }
  return value;
}

// Key wrapping (WebCrypto AES-GCM): the data key under a key-encryption key.
export async function wrapKey(kek, raw) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  return { iv, ct: new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, kek, raw)) };
}

/** The data key, or a rejection (OperationError) when `kek` is not the one it was wrapped under. */
export async function unwrapKey(kek, { iv, ct }) {
  return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, kek, ct));
}

export function kekFromBytes(raw) {
  return aesKey(raw, ['encrypt', 'decrypt']);
}

/** The server's escrow key (base64url, 32 bytes) as a key-encryption key. */
export function kekFromEscrow(b64url) {
  const bin = atob(b64url.replace(/-/g, '+').replace(/_/g, '/'));
  return kekFromBytes(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

/** A WebAuthn PRF output (32 bytes from the authenticator) through HKDF-SHA-256. */
export async function kekFromPrf(output) {
  const material = await crypto.subtle.importKey('raw', output, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: enc.encode('fieldcase vault key v1') },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}
