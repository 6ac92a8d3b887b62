// The phone's own store (IndexedDB, through idb). Nothing a person records lives anywhere
// else until the server has answered for it. Each schema step is kept forever: a phone that
// skipped several app versions runs them all, in order, inside one upgrade transaction, so
// an update never drops an outbox.
//
// Every value is sealed on its way in and opened on its way out (vault.js), here and only
// here, so the rest of the app reads and writes plain objects. What stays readable: the key
// paths and indexed fields (a record's type and id, an outbox entry's seq and state, a file's
// key) and the few meta entries needed before unlocking (CLEAR_META).
import { openDB, unwrap } from 'idb';
import { SEALED_TYPE, UNREADABLE, currentKey, isSealed, mapBlobs, openBlob, openValue, sealBlob, sealValue } from './vault.js';

export const DB_NAME = 'fieldcase';

export const MIGRATIONS = [
  // v1: the first layout.
  (db) => {
    db.createObjectStore('meta'); // session, workflow, matters, cursor, drafts, last sync
    db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true }); // mutations, in order
    db.createObjectStore('files', { keyPath: 'key' }); // `${evidence_id}:${tier}` → bytes
    db.createObjectStore('records', { keyPath: ['record_type', 'id'] }); // the server's view
  },
  // v2: find the outbox by state and records by type without reading everything.
  (_db, tx) => {
    tx.objectStore('outbox').createIndex('state', 'state');
    tx.objectStore('records').createIndex('type', 'record_type');
  },
];
export const DB_VERSION = MIGRATIONS.length;

// The session holds its own sealed token and wrapped key; the vault the escrowed keys.
export const CLEAR_META = new Set(['session', 'device_id', 'vault']);
const CLEAR_FIELDS = { outbox: ['seq', 'state'], records: ['record_type', 'id'], files: ['key'], meta: [] };

function sealed(store, value, key) {
  if (store === 'meta' && CLEAR_META.has(key)) return value;
  return sealValue(value, store, CLEAR_FIELDS[store]);
}

function opened(store, stored) {
  const value = openValue(stored, store);
  if (value === UNREADABLE || !isSealed(stored)) return value;
  for (const f of CLEAR_FIELDS[store]) if (stored[f] !== undefined) value[f] = stored[f]; // seq
  return value;
}

// The sealing proxies: a database whose transactions hand out stores (and their indexes)
// that seal on put/add and open on get/getAll. idb's shortcuts (d.get('records', k)) go
// through the same, because they open their transaction on the proxy.
const PLAIN = Symbol('plain idb object');
const SHORTCUT = /^(get|getAll|getKey|getAllKeys|put|add|delete|clear|count)(FromIndex)?$/;

function sealingStore(target, store) {
  return new Proxy(target, {
    get(t, prop) {
      if (prop === 'put' || prop === 'add') return (value, key) => t[prop](sealed(store, value, key), ...(key === undefined ? [] : [key]));
      if (prop === 'get') {
        return (...args) =>
          t.get(...args).then((v) => {
            const value = opened(store, v);
            return value === UNREADABLE ? undefined : value;
          });
      }
      if (prop === 'getAll')
        return (...args) => t.getAll(...args).then((vs) => vs.map((v) => opened(store, v)).filter((v) => v !== UNREADABLE));
      if (prop === 'index') return (name) => sealingStore(t.index(name), store);
      if (prop === 'openCursor' || prop === 'iterate' || prop === Symbol.asyncIterator) {
        throw new Error(`db.js opens values for get and getAll only, not ${String(prop)}`);
      }
      const v = t[prop];
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}

function sealingTx(target) {
  return new Proxy(target, {
    get(t, prop) {
      if (prop === 'objectStore') return (name) => sealingStore(t.objectStore(name), name);
      if (prop === 'store') return t.store && sealingStore(t.store, t.store.name);
      const v = t[prop];
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}

function sealingDb(target) {
  return new Proxy(target, {
    get(t, prop, receiver) {
      if (prop === PLAIN) return t;
      if (prop === 'transaction') return (...args) => sealingTx(t.transaction(...args));
      const v = t[prop];
      if (typeof v !== 'function') return v;
      return v.bind(typeof prop === 'string' && SHORTCUT.test(prop) ? receiver : t);
    },
  });
}

// Browser tests read the store as the app does (tests/e2e/phone.py sets the flag).
if (globalThis.__FIELDCASE_TEST__) {
  globalThis.__fieldcaseOpen = (store, v) => {
    const value = opened(store, v);
    return value === UNREADABLE ? null : value;
  };
}

let opening = null;

export function db() {
  if (!opening) {
    opening = openDB(DB_NAME, DB_VERSION, {
      upgrade(database, oldVersion, newVersion, tx) {
        for (let v = oldVersion; v < newVersion; v += 1) MIGRATIONS[v](database, tx);
      },
      blocking() {
        // A newer app version (another tab) needs to upgrade: let it. The next call here
        // opens again, at the new version.
        opening.then((d) => d.close());
        opening = null;
      },
      terminated() {
        opening = null;
      },
    }).then(sealingDb);
  }
  return opening;
}

export async function getMeta(key, fallback = null) {
  const value = await (await db()).get('meta', key);
  return value === undefined ? fallback : mapBlobs(value, openBlob);
}

export async function setMeta(key, value) {
  const sealed = CLEAR_META.has(key) ? value : await mapBlobs(value, sealBlob); // a draft's photos
  return (await db()).put('meta', sealed, key);
}

/** Whether something is kept under `key`, without opening it (a PDF kept sealed). */
export async function hasMeta(key) {
  return (await (await db()).getKey('meta', key)) !== undefined;
}

export async function delMeta(key) {
  return (await db()).delete('meta', key);
}

/**
 * Seals what an older app version stored in clear, under the key now in use. Runs when a
 * key is first put to use on this phone (a PIN set): cheap when nothing is left in clear.
 */
export async function sealClearValues() {
  if (!currentKey()) return 0;
  const d = await db();
  let n = 0;
  for (const name of Object.keys(CLEAR_FIELDS)) {
    const tx = unwrap(d[PLAIN].transaction(name, 'readwrite')); // the plain IDBTransaction
    await new Promise((ok, bad) => {
      const req = tx.objectStore(name).openCursor();
      req.onsuccess = () => {
        const c = req.result;
        if (!c) return;
        if (!isSealed(c.value) && !(name === 'meta' && CLEAR_META.has(c.key))) {
          c.update(sealValue(c.value, name, CLEAR_FIELDS[name]));
          n += 1;
        }
        c.continue();
      };
      tx.oncomplete = ok;
      tx.onerror = () => bad(tx.error);
      tx.onabort = () => bad(tx.error);
    });
  }
  return n;
}

/** The photos an older version kept in clear, sealed one by one (WebCrypto, outside any transaction). */
export async function sealClearPhotos() {
  const d = await db();
  const clear = (f) => f && f.blob instanceof Blob && !f.blob.type.startsWith(SEALED_TYPE);
  for (const f of (await d.getAll('files')).filter(clear)) {
    const blob = await sealBlob(f.blob);
    const tx = d.transaction('files', 'readwrite');
    const now = await tx.store.get(f.key);
    if (clear(now)) await tx.store.put({ ...now, blob });
    await tx.done;
  }
}
