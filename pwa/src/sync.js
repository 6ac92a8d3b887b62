// Sync: push the outbox in order, then send photos (the compressed copy first, the original
// on a good connection), then pull what changed. When a run starts, one at a time, and the
// retries after a failure are the loop's (loop.js); how an answer is filed is filing.js's.
// Tabs of the app share one outbox: a run holds a Web Lock per user, so two tabs never push
// the same entries at once, and an answer is filed only if its entry is still in the state
// this run put it in, so a stale run can never overwrite a newer outcome.
import { ApiError, BASE, Offline } from './api.js';
import { db, getMeta, setMeta } from './db.js';
import { openBlob } from './vault.js';
import { FILE_RECORDS, SENDING, WAITING, arrived, claim, file as fileAnswer, release, resendable, uploadable } from './filing.js';
import { SyncLoop } from './loop.js';
import { ATTENTION, HELD, PENDING, changed, onRecorded, resendLost, settleSent } from './outbox.js';
import { LoggedOut, authed, token } from './session.js';
import { syncOffline } from './offline-docs.js';

const BATCH = 100;
const CHUNK = 256 * 1024; // a cut costs at most this much of a photo

function goodConnection() {
  const c = navigator.connection;
  if (!c) return true;
  return !c.saveData && (!c.effectiveType || c.effectiveType === '4g');
}

/** Apply `change` (an entry → the new entry or null) to each entry in one transaction; each
 * entry is read again inside it, so the decision is taken on what is stored now. */
async function rewrite(seqs, change) {
  const d = await db();
  const tx = d.transaction('outbox', 'readwrite');
  const done = [];
  for (const seq of seqs) {
    const next = change(await tx.store.get(seq));
    if (next) {
      tx.store.put(next);
      done.push(next);
    }
  }
  await tx.done;
  return done;
}

async function push(userId) {
  const d = await db();
  const run = crypto.randomUUID(); // this run's mark on the entries it sends
  for (;;) {
    const wanted = (await d.getAllFromIndex('outbox', 'state', PENDING)).filter((e) => e.user_id === userId).slice(0, BATCH);
    if (!wanted.length) return;
    const batch = await rewrite(
      wanted.map((e) => e.seq),
      (e) => claim(e, run),
    );
    changed();
    if (!batch.length) continue; // another run took them meanwhile
    let answer;
    try {
      answer = await authed('/sync/push', {
        method: 'POST',
        body: { device_now: new Date().toISOString(), mutations: batch.map((e) => e.mutation) },
      });
    } catch (err) {
      // No answer: they are still only on the phone (and sent again next time, R1).
      await rewrite(
        batch.map((e) => e.seq),
        (e) => release(e, run),
      );
      changed();
      throw err;
    }
    const byId = new Map(answer.results.map((r) => [r.mutation_id, r]));
    // One not answered (the server answers each; if not): left for the next run to send.
    const filed = await rewrite(
      batch.map((e) => e.seq),
      (e) => {
        const r = e && byId.get(e.mutation.id);
        return r ? fileAnswer(e, r, run, answer.server_time) : release(e, run);
      },
    );
    changed();
    if (filed.some((e) => e.state === PENDING)) return;
  }
}

async function sendFile(file) {
  // Loaded when there is a photo to send: the first screen does not wait for it.
  const { Upload } = await import('tus-js-client');
  const blob = await openBlob(file.blob); // sealed on the phone, plain to the server
  return new Promise((resolve, reject) => {
    const upload = new Upload(blob, {
      endpoint: `${BASE}/uploads`,
      uploadUrl: file.upload_url || undefined,
      chunkSize: CHUNK,
      retryDelays: [0, 1000, 3000],
      storeFingerprintForResuming: false,
      removeFingerprintOnSuccess: true,
      metadata: { evidence_id: file.evidence_id, sha256: file.sha256, tier: file.tier },
      async onBeforeRequest(req) {
        req.setHeader('Authorization', `Bearer ${await token()}`);
      },
      async onUploadUrlAvailable() {
        const d = await db();
        const current = await d.get('files', file.key);
        await d.put('files', { ...current, upload_url: upload.url });
      },
      onProgress(sent, total) {
        status.progress[file.key] = [sent, total];
        changed();
      },
      onSuccess: resolve,
      onError: reject,
    });
    upload.start();
  });
}

function refused(err) {
  // The server looked at the bytes and said no (wrong hash 460, not an image 415, 422):
  // sending them again will not help. A person must look; the bytes stay on the phone.
  const res = err.originalResponse;
  const code = res ? res.getStatus() : 0;
  if (code === 404 || code === 410) return 'gone';
  return code >= 400 && code < 500 && code !== 401 && code !== 409 && code !== 429 ? code : null;
}

async function uploads(userId, { all }) {
  const d = await db();
  const waiting = uploadable(await d.getAll('files'), await d.getAll('outbox'), userId, {
    all,
    good: goodConnection(),
  });
  for (const file of waiting) {
    await d.put('files', { ...file, state: SENDING });
    changed();
    try {
      await sendFile(file);
    } catch (err) {
      const why = refused(err);
      const current = await d.get('files', file.key);
      if (why === 'gone') {
        // The unfinished upload expired on the server: start a new one next time.
        await d.put('files', { ...current, state: PENDING, upload_url: null });
      } else {
        await d.put('files', { ...current, state: why ? ATTENTION : PENDING, error: why });
      }
      changed();
      if (why) continue;
      throw new Offline(err.message);
    } finally {
      delete status.progress[file.key];
    }
    await held(file.key);
  }
}

async function held(key) {
  // The server holds it, verified. The bytes stay a while yet: a restore of the server may
  // lose them, and only this phone has them (settleSent in outbox.js lets them go).
  const d = await db();
  const current = await d.get('files', key);
  if (!current || current.state === HELD) return;
  await d.put('files', { ...current, state: HELD, error: null });
  changed();
}

// A pull that starts over because the server lost history (R12): restored from a backup
// ("generation"), or gone back in time without saying so ("ahead").
const SERVER_LOST = new Set(['generation', 'ahead']);

/**
 * Before a push: has the server lost history since the last pull? Then the full pull goes
 * first, so that what it puts back in the outbox is sent before what was recorded since
 * (a note after its clue). Asked only when both are there, with one record.
 */
async function pullFirstIfServerLost() {
  const es = await (await db()).getAll('outbox');
  const cursor = await getMeta('cursor');
  if (!cursor || !es.some((e) => e.state === PENDING) || !es.some(resendable)) return;
  const page = await authed(`/sync/pull?limit=1&cursor=${encodeURIComponent(cursor)}`);
  if (SERVER_LOST.has(page.reset_reason)) await pull();
}

async function pull() {
  const d = await db();
  let cursor = await getMeta('cursor');
  const seen = new Map(); // `type:id` -> the change, for a reset
  let resetting = false;
  let serverLost = false;
  let generation = null;
  let workflowVersion = null;
  for (;;) {
    const q = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
    const page = await authed(`/sync/pull${q}`);
    resetting = resetting || page.reset;
    serverLost = serverLost || SERVER_LOST.has(page.reset_reason);
    generation = page.generation;
    workflowVersion = page.workflow_version;
    const tx = d.transaction(['records', 'files'], 'readwrite');
    for (const c of page.changes) {
      if (resetting) seen.set(`${c.record_type}:${c.id}`, c);
      if (c.deleted) tx.objectStore('records').delete([c.record_type, c.id]);
      else tx.objectStore('records').put({ record_type: c.record_type, id: c.id, version: c.version, data: c.data });
    }
    await tx.done;
    for (const c of page.changes) {
      if (!FILE_RECORDS.includes(c.record_type) || !c.data) continue;
      for (const tier of ['original', 'copy']) {
        if (c.data[tier] && c.data[tier].held) await held(`${c.id}:${tier}`);
      }
    }
    cursor = page.cursor;
    if (!resetting) await setMeta('cursor', cursor);
    if (!page.more) break;
  }
  if (resetting) {
    // The jurisdiction changed, or the server lost history: keep only what the full pull
    // sent. What the phone sent and the server lost goes back in the outbox before the new
    // cursor is kept: cut off in between, the next pull resets again.
    const tx = d.transaction('records', 'readwrite');
    for (const r of await tx.store.getAll()) {
      if (!seen.has(`${r.record_type}:${r.id}`)) tx.store.delete([r.record_type, r.id]);
    }
    await tx.done;
    if (serverLost) await resendLost(seen);
    await setMeta('cursor', cursor);
  }
  await settleWaiting();
  // This server's history holds what it answered (outbox.js says when that may go). After a
  // restore it does not: resendLost put it back in the outbox instead.
  if (!serverLost) await settleSent(generation);
  changed();
  return workflowVersion;
}

/** A mutation the server held for its parent has taken effect once its record is here. */
async function settleWaiting() {
  const d = await db();
  const tx = d.transaction(['outbox', 'records'], 'readwrite');
  const outbox = tx.objectStore('outbox');
  for (const e of await outbox.index('state').getAll(WAITING)) {
    const present = await tx.objectStore('records').getKey([e.mutation.record_type, e.mutation.record_id]);
    const next = arrived(e, present !== undefined);
    if (next) outbox.put(next);
  }
  await tx.done;
}

async function refreshReference() {
  // The workflow (the rules the screens offer) and the catalogue, kept for offline use.
  const wf = await authed('/workflow');
  await setMeta('workflow', wf);
  await setMeta('matters', await authed('/matters'));
  const people = await authed('/users?page_size=100').catch(() => []);
  await setMeta('people', people);
  await setMeta('settings', await authed('/settings').catch(() => ({})));
  // The county's departments, by name: where a transfer or a collaboration request goes.
  await setMeta('departments', await authed('/departments').catch(() => []));
}

/** The catalogue again, after a county administrator corrected it at the desk: every screen
 * reads the new text at once (the change tells them). */
export async function refreshMatters() {
  await setMeta('matters', await authed('/matters'));
  changed();
}

/** One full sync of this user's outbox, photos and view: the loop's run. */
async function run({ userId, all = false }) {
  const d = await db();
  // A run cut short (a closed tab, a killed browser) left some as "sending": their answer
  // never came, so send them again. Under the lock, no other run of this user is in flight.
  await rewrite(
    (await d.getAllFromIndex('outbox', 'state', SENDING)).filter((e) => e.user_id === userId).map((e) => e.seq),
    (e) => (e && e.state === SENDING ? { ...e, state: PENDING, run: undefined } : null),
  );
  await pullFirstIfServerLost();
  await push(userId);
  await uploads(userId, { all });
  // Documents printed offline: sent after the records they stand on, then the reserve of
  // numbers topped up (offline-docs.js); an officer's only: no one else holds numbers.
  const who = ((await getMeta('session')) || {}).user || {};
  if ((who.roles || []).some((r) => r === 'officer' || r === 'leader')) await syncOffline();
  const serverWorkflow = await pull();
  if (serverWorkflow !== (await getMeta('workflow', {})).version) await refreshReference();
  await setMeta('last_sync', new Date().toISOString());
}

function lock({ userId }, fn) {
  // Web Locks span the tabs of an origin. Where there are none (an old browser), the filing
  // guard still keeps every answer true; only a mutation may then be sent twice (R1).
  if (!navigator.locks) return fn();
  return navigator.locks.request(`fieldcase-sync:${userId}`, fn);
}

function classify(err) {
  if (!(err instanceof Offline || err instanceof ApiError || err instanceof LoggedOut)) {
    console.error(err);
  }
  const error =
    err instanceof Offline ? 'offline' : err instanceof LoggedOut ? 'logged_out' : err instanceof ApiError ? `http_${err.status}` : 'error';
  return { error, retry: !(err instanceof LoggedOut) };
}

const loop = new SyncLoop({ run, lock, classify, changed, online: () => navigator.onLine });

export const status = loop.status;

/** One full sync; resolves to true when everything went through. */
export function syncNow(userId, { all = false } = {}) {
  return loop.sync({ userId, all });
}

let started = false;

export function startAutoSync(userId, { every = 60000 } = {}) {
  if (started) return;
  started = true;
  const kick = () => loop.kick({ userId });
  window.addEventListener('online', kick);
  onRecorded(() => navigator.onLine && loop.sync({ userId }));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && navigator.onLine) kick();
  });
  setInterval(() => loop.tick({ userId }), every);
  kick();
}

export { refreshReference };
