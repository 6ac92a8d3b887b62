// The outbox: what this phone recorded and the server has not yet answered for, in the order
// it was recorded, and the photo bytes until the server holds them. A record and its photos
// go in one IndexedDB transaction: saved whole or not at all.
import { db, getMeta } from './db.js';
import { openBlob, sealBlob } from './vault.js';
import { ATTENTION, DONE, FILE_RECORDS, HELD, PENDING, resendable, showsUntilPulled, waiting } from './filing.js';
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
 * the tab dies. `files` are { evidence_id, clue_id (or a visit's photo: visit_record_id),
 * tier, sha256, size, media_type, blob }.
 * `meta` are settings that go with the save ({ key: value }, `undefined` deletes), such as
 * the draft the record was made from: a draft outliving its record would be saved twice.
 */
export async function record(userId, mutations, files = [], meta = {}) {
  files = await Promise.all(files.map(async (f) => ({ ...f, blob: await sealBlob(f.blob) }))); // before the transaction: WebCrypto would end it
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
      writes.push(
        tx.objectStore('files').put({
          ...f,
          key: `${f.evidence_id}:${f.tier}`,
          user_id: userId,
          state: PENDING,
          upload_url: null,
          error: null,
        }),
      );
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

/** What waits and why, counted in things a person recorded (filing.waiting). */
export async function counts(userId) {
  const [es, fs] = await Promise.all([entries(), files()]);
  const mine = (x) => x.user_id === userId;
  const c = waiting(es.filter(mine), fs.filter(mine)); // a held copy explains a waiting original
  return { ...c, waiting: c.records + c.photos + c.originals };
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
    // What still waits for an answer, or was applied and not yet pulled: a refused step
    // never shows as if it happened.
    if (m.record_type !== type || e.state === ATTENTION) continue;
    const current = map.get(m.record_id);
    if (e.state === DONE && !showsUntilPulled(e, current)) continue;
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
      // Which steps wait here: one each person takes once is not offered again meanwhile.
      const queued = [...(current.queued || []), m.payload.name];
      map.set(m.record_id, { ...current, ...effect, queued, local: e.state });
    } else if (m.op === 'update' && current) {
      map.set(m.record_id, { ...current, ...m.payload, local: e.state });
    }
  }
  return [...map.values()];
}

// What this phone sent is kept after the server answered (R12): a server restored from a
// backup has lost what was pushed since the backup, and only the phone can send it again.
//
// When it goes: a sent entry is marked with the server generation of the first ordinary
// pull after its answer (that pull shows the history that answered it still runs). Three
// days after that mark it is dropped, with its photo's original bytes (a compressed copy
// stays: it is what the phone shows), provided its photos are all held. Three days: nightly
// backups, with a night to spare for a failed one; a restore from an older backup loses
// what was sent before that. (A phone cannot know which backups exist; the server does not
// say.)
export const KEEP_SENT_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * After an ordinary pull of server generation `generation` (one that did not say the server
 * lost history): mark what the server has answered as held by it, and drop what has been
 * held for KEEP_SENT_MS (see above).
 */
export async function settleSent(generation, now = Date.now()) {
  const d = await db();
  // Decided on a read, written only when something changes: this runs after every pull.
  const [es, fs] = await Promise.all([d.getAll('outbox'), d.getAll('files')]);
  const photos = new Map();
  for (const f of fs) photos.set(f.evidence_id, [...(photos.get(f.evidence_id) || []), f]);
  const mark = [];
  const drop = [];
  const kept = new Set();
  for (const e of es) {
    if (e.state === DONE && e.held_by !== generation) mark.push(e.seq);
    const due = e.state === DONE && e.held_by === generation && now - e.held_seen_at >= KEEP_SENT_MS;
    // Its photos go out under its answer: it stays until they are held.
    if (due && (photos.get(e.mutation.record_id) || []).every((f) => f.state === HELD)) drop.push(e.seq);
    else kept.add(e.mutation.record_id);
  }
  // An original's bytes stay while its record's entry does: they are what would be sent again.
  const unbytes = fs.filter((f) => f.state === HELD && f.tier === 'original' && f.blob && !kept.has(f.evidence_id));
  if (!mark.length && !drop.length && !unbytes.length) return;
  // Strict, as a save: this decides what the phone keeps of a person's work.
  const tx = d.transaction(['outbox', 'files'], 'readwrite', { durability: 'strict' });
  const outbox = tx.objectStore('outbox');
  for (const seq of mark) {
    const e = await outbox.get(seq); // read again: it may have moved on since
    if (e && e.state === DONE && e.held_by !== generation) await outbox.put({ ...e, held_by: generation, held_seen_at: now });
  }
  for (const seq of drop) {
    const e = await outbox.get(seq);
    if (e && e.state === DONE && e.held_by === generation) await outbox.delete(seq);
  }
  const store = tx.objectStore('files');
  for (const { key } of unbytes) {
    const f = await store.get(key);
    if (f && f.state === HELD && f.blob) await store.put({ ...f, blob: null });
  }
  await tx.done;
}

/**
 * After a full pull by which the server said it lost history (a restore: `reset_reason`
 * "generation" or "ahead"): send again, in the order they were recorded, every kept sent
 * mutation that was not refused, and every one the server held waiting for its parent.
 * `pulled` is what the full pull sent, `type:id` -> change.
 *
 * Why all of them, and not only those whose record the pull lacks or shows at a lower
 * version than the one the answer gave: a record's version is no proof across a restore.
 * The restored server numbers versions again from the backup's, so another person's edit
 * after the restore can give a record the very version our lost edit had, with other
 * contents. The server's own mutation log is the proof: a mutation it holds is answered
 * as a replay and changes nothing (R1), one it lost is applied. Sending them in their
 * first order keeps a clue before its notes and photos, and a record's edits in sequence.
 *
 * A photo goes again when the server does not hold it (its record absent from the pull, or
 * there without that file) and its bytes are still here. Returns how many go again.
 */
export async function resendLost(pulled) {
  const d = await db();
  const tx = d.transaction(['outbox', 'files'], 'readwrite', { durability: 'strict' });
  const outbox = tx.objectStore('outbox');
  let again = 0;
  const resent = new Set();
  for (const e of await outbox.getAll()) {
    if (!resendable(e)) continue; // which go again: filing.js
    const { held_by: _held, held_seen_at: _seen, ...rest } = e;
    await outbox.put({ ...rest, state: PENDING, sent_before: [...(e.sent_before || []), e.result] });
    resent.add(e.mutation.record_id);
    again += 1;
  }
  const store = tx.objectStore('files');
  for (const f of await store.getAll()) {
    const evidence = FILE_RECORDS.map((type) => pulled.get(`${type}:${f.evidence_id}`)).find(Boolean);
    const held = evidence && evidence.data && evidence.data[f.tier] && evidence.data[f.tier].held;
    // Not for a record out of this person's view: the server would not take the bytes.
    if (f.state === HELD && f.blob && !held && ((evidence && !evidence.deleted) || resent.has(f.evidence_id))) {
      await store.put({ ...f, state: PENDING, upload_url: null });
      again += 1;
    }
  }
  await tx.done;
  if (again) {
    changed();
    for (const fn of recorded) fn(); // as for new work: a sync picks it up at once
  }
  return again;
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
    const bytes = new Uint8Array(await (await openBlob(f.blob)).arrayBuffer());
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
