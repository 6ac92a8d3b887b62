// The key that unlocks the phone's records, from what the person knows (a passphrase,
// through Argon2id) or from what the phone holds (a platform authenticator's PRF).
//
// Argon2id (RFC 9106, the first choice of OWASP's password storage guide) is memory-hard:
// a graphics card or a rented server gains little over the phone, because each guess needs
// its 32 MiB. hash-wasm's WebAssembly build runs close to native speed, so the phone is not
// the slow party; it is loaded only when a key is derived, never with the first screen.
// README ("A lost or stolen phone") has the figures behind these numbers.
import { kekFromBytes, kekFromPrf } from './vault.js';

export const ARGON2 = { name: 'argon2id', m: 32768 /* KiB */, t: 2, p: 1 };

// Refresh tokens live 14 days (REFRESH_TOKEN_TTL_DAYS). At 100,000 guesses a second (eight
// high-end graphics cards on Argon2id at 32 MiB, generously), 10^12 passphrases take 116
// days to go through: every passphrase the app accepts has at least that many neighbours.
export const MIN_SPACE_DIGITS = 12;

/** How many passphrases of this shape there are, as a power of ten (a lower bound). */
export function spaceDigits(pin) {
  let alphabet = 0;
  if (/[0-9]/.test(pin)) alphabet += 10;
  if (/[a-zA-Z]/.test(pin)) alphabet += 26; // letters counted case-blind: a lower bound
  if (/[^0-9a-zA-Z]/.test(pin)) alphabet += 10; // Chinese or punctuation: counted low
  return [...pin].length * Math.log10(Math.max(alphabet, 1));
}

/** Whether the character at `i` follows from those before it, as a person's pattern does:
 * the same again, a step of one continuing a run (1234, dcba), or a short unit repeating
 * (1212, abcabc). A guesser tries these first, so they add nothing to the space. */
function predictable(codes, i) {
  if (i >= 1 && codes[i] === codes[i - 1]) return true;
  const step = codes[i] - codes[i - 1];
  if (i >= 2 && Math.abs(step) === 1 && step === codes[i - 1] - codes[i - 2]) return true;
  for (let k = 2; k <= 4; k += 1) {
    if (i > k && codes[i] === codes[i - k] && codes[i - 1] === codes[i - 1 - k]) return true;
  }
  return false;
}

/** The passphrase without its predictable characters: what a guesser must still find. */
export function unpredictable(pin) {
  const chars = [...pin.toLowerCase()];
  const codes = chars.map((c) => c.codePointAt(0));
  return chars.filter((_, i) => !predictable(codes, i)).join('');
}

/** null when the passphrase is acceptable, else the i18n key of what is wrong with it. */
export function weakness(pin) {
  if (spaceDigits(pin) < MIN_SPACE_DIGITS) return 'pin_short';
  const chars = [...pin];
  if (new Set(chars).size < 4) return 'pin_repetitive';
  // 123456789012 is twelve digits, but a guesser's second try: count what is left of it.
  if (spaceDigits(unpredictable(pin)) < MIN_SPACE_DIGITS) return 'pin_predictable';
  return null;
}

export function newArgon2() {
  return { ...ARGON2, salt: crypto.getRandomValues(new Uint8Array(16)) };
}

export async function kekFromPin(pin, params) {
  const { argon2id } = await import('hash-wasm');
  const raw = await argon2id({
    password: pin.normalize('NFC'),
    salt: params.salt,
    iterations: params.t,
    memorySize: params.m,
    parallelism: params.p,
    hashLength: 32,
    outputType: 'binary',
  });
  try {
    return await kekFromBytes(raw);
  } finally {
    raw.fill(0);
  }
}

// WebAuthn PRF: the authenticator computes HMAC(secret it never releases, salt). The phone's
// screen lock or fingerprint gates it, with the hardware's own limit on tries.
const RP_NAME = 'fieldcase';

/** Whether this browser and phone offer a platform authenticator with the PRF extension. */
export async function prfOffered(pkc = globalThis.PublicKeyCredential) {
  if (!pkc || typeof pkc.getClientCapabilities !== 'function') return false;
  try {
    const caps = await pkc.getClientCapabilities();
    return !!(caps['extension:prf'] && caps.userVerifyingPlatformAuthenticator);
  } catch {
    return false;
  }
}

function prfResult(credential) {
  const prf = credential && credential.getClientExtensionResults().prf;
  const first = prf && prf.results && prf.results.first;
  return first ? new Uint8Array(first) : null;
}

/** Makes a credential on this phone and returns { method, credential_id, salt } and its KEK, or null. */
export async function enrolPrf(user, creds = globalThis.navigator && navigator.credentials) {
  const salt = crypto.getRandomValues(new Uint8Array(32));
  const created = await creds.create({
    publicKey: {
      rp: { name: RP_NAME },
      user: { id: new TextEncoder().encode(String(user.id)), name: user.username || String(user.id), displayName: user.display_name || '' },
      challenge: crypto.getRandomValues(new Uint8Array(32)),
      pubKeyCredParams: [
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -257 },
      ],
      authenticatorSelection: { authenticatorAttachment: 'platform', residentKey: 'discouraged', userVerification: 'required' },
      extensions: { prf: { eval: { first: salt } } },
    },
  });
  const ext = created && created.getClientExtensionResults().prf;
  if (!ext || !ext.enabled) return null;
  const params = { name: 'prf', credential_id: new Uint8Array(created.rawId), salt };
  // Some authenticators answer the PRF only on get(), not at creation.
  const output = prfResult(created) || (await prfOutput(params, creds));
  return output ? { params, kek: await kekFromPrf(output) } : null;
}

async function prfOutput(params, creds) {
  const got = await creds.get({
    publicKey: {
      challenge: crypto.getRandomValues(new Uint8Array(32)),
      allowCredentials: [{ type: 'public-key', id: params.credential_id }],
      userVerification: 'required',
      timeout: 60000, // a phone without the credential answers no within a minute
      extensions: { prf: { eval: { first: params.salt } } },
    },
  });
  return prfResult(got);
}

/** The key-encryption key for a session's saved params: the passphrase's or the phone's. */
export async function kekFor(params, pin, creds = globalThis.navigator && navigator.credentials) {
  if (params.name === 'prf') {
    const output = await prfOutput(params, creds);
    if (!output) throw new Error('no PRF result');
    return kekFromPrf(output);
  }
  return kekFromPin(pin, params);
}
