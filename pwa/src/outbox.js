// The outbox: what this phone recorded and the server has not yet answered for, in the order
// it was recorded, and the photo bytes until the server holds them. A record and its photos
// go in one IndexedDB transaction: saved whole or not at all.
import { db, getMeta } from './db.js';
import { ATTENTION, DONE, HELD, PENDING } from './filing.js';
import { stepEffect } from './rules.js';

// The states of an entry and a photo, and how an answer moves them: filing.js.
export { ATTENTION, DONE, HELD, PENDING, SENDING, WAITING } from './filing.js';

const listeners = new Set();
const recorded = new Set(); // told after each new record: sync picks it up at once
export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
export function onRecorded(fn) {
  recorded.add(fn);
}
export function changed() {
  for (const fn of listeners) fn();
}

/** The phone's storage refused a save (full, most often): nothing of it was written, and
 * the form it came from still holds it. The app tells the person (main.js). */
export class NotSaved extends Error {
  constructor(cause) {
    super(cause && cause.name === 'QuotaExceededError' ? 'storage_full' : 'not_saved');
    this.cause = cause;
  }
}

function mutation(userId, m) {
  return {
    user_id: userId,
    state: PENDING,
    created_at: new Date().toISOString(),
    mutation: {
      id: crypto.randomUUID(),
      base_version: null,
      parent_id: null,
      device_time: new Date().toISOString(),
      ...m,
    },
    result: null,
  };
}

/**
 * Save mutations and photo files together, in one transaction: all of it or none, whenever
 * the tab dies. `files` are { evidence_id, clue_id, tier, sha256, size, media_type, blob }.
 * `meta` are settings that go with the save ({ key: value }, `undefined` deletes), such as
 * the draft the record was made from: a draft outliving its record would be saved twice.
 */
export async function record(userId, mutations, files = [], meta = {}) {
  // Strict: "saved" means on the storage, not only handed to the OS. Chromium commits
  // relaxed by default, and a cheap phone's battery can die the moment after the tap.
  const tx = (await db()).transaction(['outbox', 'files', 'meta'], 'readwrite', { durability: 'strict' });
  const writes = [];
  try {
    for (const [key, value] of Object.entries(meta)) {
      writes.push(value === undefined ? tx.objectStore('meta').delete(key) : tx.objectStore('meta').put(value, key));
    }
    for (const m of mutations) writes.push(tx.objectStore('outbox').add(mutation(userId, m)));
    for (const f of files) {
      writes.push(tx.objectStore('files').put({
        ...f,
        key: `${f.evidence_id}:${f.tier}`,
        user_id: userId,
        state: PENDING,
        upload_url: null,
        error: null,
      }));
    }
    await Promise.all([...writes, tx.done]);
  } catch (err) {
    try {
      tx.abort(); // a request refused at once: take back the ones before it
    } catch {
      // already aborted by the storage itself
    }
    await Promise.allSettled([...writes, tx.done]);
    throw new NotSaved(tx.error || err);
  }
  changed();
  for (const fn of recorded) fn();
}

export async function entries() {
  return (await db()).getAll('outbox');
}

export async function files() {
  return (await db()).getAll('files');
}

/** What is not yet safe on the server: unsent or refused mutations, photos not held. */
export async function unsent(userId) {
  const [es, fs] = await Promise.all([entries(), files()]);
  const mine = (x) => userId === undefined || x.user_id === userId;
  return {
    entries: es.filter((e) => mine(e) && e.state !== DONE),
    files: fs.filter((f) => mine(f) && f.state !== HELD),
  };
}

export async function counts(userId) {
  const { entries: es, files: fs } = await unsent(userId);
  return {
    waiting: es.filter((e) => e.state !== ATTENTION).length + fs.filter((f) => f.state !== ATTENTION).length,
    attention: es.filter((e) => e.state === ATTENTION).length + fs.filter((f) => f.state === ATTENTION).length,
  };
}

export async function records(type) {
  return (await db()).getAllFromIndex('records', 'type', type);
}

export async function getRecord(type, id) {
  return (await db()).get('records', [type, id]);
}

/**
 * The records as this phone should show them: the server's view, with what the outbox has
 * not yet been answered for laid on top (a clue reported offline, a task taken offline).
 * The server decides in the end; this is only what the person sees meanwhile.
 */
export async function overlaid(type, workflow, me) {
  const map = new Map((await records(type)).map((r) => [r.id, { ...r.data, id: r.id, version: r.version }]));
  const spec = workflow.records[type];
  for (const e of await entries()) {
    const m = e.mutation;
    // Only what still waits for an answer: a refused step never shows as if it happened.
    if (m.record_type !== type || e.state === DONE || e.state === ATTENTION) continue;
    const current = map.get(m.record_id);
    if (m.op === 'create' && !current) {
      map.set(m.record_id, {
        ...m.payload,
        id: m.record_id,
        parent_id: m.parent_id,
        status: spec.create && spec.create.status,
        reporter_id: me.id,
        reporter_name: me.display_name,
        created_at: e.created_at,
        local: e.state,
      });
    } else if (m.op === 'transition' && current) {
      const step = spec.transitions[m.payload.name];
      // The phone's clock stands in for the server's until the answer comes.
      const effect = stepEffect(step, current, m.payload.args, me.id, e.created_at);
      map.set(m.record_id, { ...current, ...effect, local: e.state });
    } else if (m.op === 'update' && current) {
      map.set(m.record_id, { ...current, ...m.payload, local: e.state });
    }
  }
  return [...map.values()];
}

/** The person has read a refusal: it leaves the count, and stays in the outbox's history. */
export async function acknowledge(seq) {
  const d = await db();
  const e = await d.get('outbox', seq);
  if (e && e.state === ATTENTION) {
    await d.put('outbox', { ...e, state: DONE, acknowledged_at: new Date().toISOString() });
    changed();
  }
}

export async function exportable(userId) {
  // Everything not yet safe, photos included, as one JSON file a supervisor can import.
  const { entries: es, files: fs } = await unsent(userId);
  const photos = [];
  for (const f of fs) {
    const bytes = new Uint8Array(await f.blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    const { blob, ...rest } = f;
    photos.push({ ...rest, base64: btoa(binary) });
  }
  return {
    format: 'fieldcase-outbox/1',
    exported_at: new Date().toISOString(),
    device_id: await getMeta('device_id'),
    user_id: userId,
    mutations: es.map((e) => ({ state: e.state, result: e.result, ...e.mutation })),
    files: photos,
  };
}
