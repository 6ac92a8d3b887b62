// Sync: push the outbox in order, then send photos (the compressed copy first, the original
// on a good connection), then pull what changed. One run at a time; on failure it retries
// with exponential backoff, at once when the network comes back, and on "sync now".
import { ApiError, BASE, Offline } from './api.js';
import { db, getMeta, setMeta } from './db.js';
import { ATTENTION, DONE, HELD, PENDING, SENDING, changed, onRecorded, resendLost, settleSent } from './outbox.js';
import { LoggedOut, authed, token } from './session.js';

const BATCH = 100;
const CHUNK = 256 * 1024; // a cut costs at most this much of a photo
const MAX_DELAY = 5 * 60 * 1000;

export const status = { running: false, error: null, progress: {}, failures: 0, next: null };

function goodConnection() {
  const c = navigator.connection;
  if (!c) return true;
  return !c.saveData && (!c.effectiveType || c.effectiveType === '4g');
}

async function push(userId) {
  const d = await db();
  for (;;) {
    const all = await d.getAll('outbox');
    const batch = all
      .filter((e) => e.user_id === userId && (e.state === PENDING || e.state === SENDING))
      .slice(0, BATCH);
    if (!batch.length) return;
    for (const e of batch) {
      if (e.state !== SENDING) await d.put('outbox', { ...e, state: SENDING });
    }
    changed();
    let answer;
    try {
      answer = await authed('/sync/push', {
        method: 'POST',
        body: { device_now: new Date().toISOString(), mutations: batch.map((e) => e.mutation) },
      });
    } catch (err) {
      // No answer: they are still only on the phone (and sent again next time, R1).
      const tx = d.transaction('outbox', 'readwrite');
      for (const e of batch) tx.store.put({ ...e, state: PENDING });
      await tx.done;
      changed();
      throw err;
    }
    const byId = new Map(answer.results.map((r) => [r.mutation_id, r]));
    const tx = d.transaction('outbox', 'readwrite');
    for (const e of batch) {
      const r = byId.get(e.mutation.id);
      if (!r) continue; // not answered: sent again next time (R1 makes that safe)
      tx.store.put({
        ...e,
        state: r.outcome === 'rejected' ? ATTENTION : DONE,
        result: r,
        answered_at: answer.server_time,
      });
    }
    await tx.done;
    changed();
  }
}

async function sendFile(file) {
  // Loaded when there is a photo to send: the first screen does not wait for it.
  const { Upload } = await import('tus-js-client');
  return new Promise((resolve, reject) => {
    const upload = new Upload(file.blob, {
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
  return code >= 400 && code < 500 && code !== 401 && code !== 409 && code !== 429
    ? code
    : null;
}

async function uploads(userId, { all }) {
  const d = await db();
  const acknowledged = new Set(
    (await d.getAll('outbox'))
      .filter((e) => e.state === DONE && e.mutation.record_type === 'evidence')
      .map((e) => e.mutation.record_id),
  );
  const waiting = (await d.getAll('files'))
    .filter((f) => f.user_id === userId && f.state !== HELD && f.state !== ATTENTION)
    .filter((f) => acknowledged.has(f.evidence_id))
    .filter((f) => f.tier === 'copy' || all || goodConnection())
    .sort((a, b) => (a.tier === b.tier ? 0 : a.tier === 'copy' ? -1 : 1));
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
  if (!cursor || !es.some((e) => e.state === PENDING) || !es.some((e) => e.state === DONE)) return;
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
      if (c.record_type !== 'evidence' || !c.data) continue;
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
  // This server's history holds what it answered (outbox.js says when that may go).
  if (!serverLost) await settleSent(generation);
  changed();
  return workflowVersion;
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

let running = null;
let again = false; // something was recorded during a run: run once more after it
let timer = null;
let started = false;

/** One full sync; resolves to true when everything went through. */
export function syncNow(userId, { all = false } = {}) {
  if (running) {
    again = true;
    return running;
  }
  if (!navigator.onLine) {
    // Surely offline: nothing to try. The 'online' event starts the next run.
    status.error = 'offline';
    changed();
    return Promise.resolve(false);
  }
  clearTimeout(timer);
  status.running = true;
  status.error = null;
  changed();
  running = (async () => {
    try {
      const d = await db();
      // A run cut short left some as "sending": their answer never came, so send again.
      for (const e of await d.getAll('outbox')) {
        if (e.state === SENDING) await d.put('outbox', { ...e, state: PENDING });
      }
      await pullFirstIfServerLost();
      await push(userId);
      await uploads(userId, { all });
      const serverWorkflow = await pull();
      if (serverWorkflow !== (await getMeta('workflow', {})).version) await refreshReference();
      await setMeta('last_sync', new Date().toISOString());
      status.failures = 0;
      status.next = null;
      return true;
    } catch (err) {
      status.error = err instanceof Offline ? 'offline' : err instanceof LoggedOut ? 'logged_out' : err instanceof ApiError ? `http_${err.status}` : 'error';
      if (!(err instanceof LoggedOut)) schedule(userId);
      if (!(err instanceof Offline || err instanceof ApiError || err instanceof LoggedOut)) {
        console.error(err);
      }
      return false;
    } finally {
      status.running = false;
      running = null;
      changed();
      if (again && status.error === null) {
        again = false;
        setTimeout(() => syncNow(userId, { all }), 0);
      }
    }
  })();
  return running;
}

function schedule(userId) {
  status.failures += 1;
  const base = Math.min(MAX_DELAY, 2000 * 2 ** (status.failures - 1));
  const delay = base / 2 + Math.random() * (base / 2);
  status.next = Date.now() + delay;
  clearTimeout(timer);
  timer = setTimeout(() => syncNow(userId), delay);
}

export function startAutoSync(userId, { every = 60000 } = {}) {
  if (started) return;
  started = true;
  const kick = () => {
    status.failures = 0;
    syncNow(userId);
  };
  window.addEventListener('online', kick);
  onRecorded(() => navigator.onLine && syncNow(userId));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && navigator.onLine) kick();
  });
  setInterval(() => {
    if (navigator.onLine && !running && !status.next) syncNow(userId);
  }, every);
  kick();
}

export { refreshReference };
