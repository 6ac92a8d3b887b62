// The phone's own store (IndexedDB, through idb). Nothing a person records lives anywhere
// else until the server has answered for it. Each schema step is kept forever: a phone that
// skipped several app versions runs them all, in order, inside one upgrade transaction, so
// an update never drops an outbox.
import { openDB } from 'idb';

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
    });
  }
  return opening;
}

export async function getMeta(key, fallback = null) {
  const value = await (await db()).get('meta', key);
  return value === undefined ? fallback : value;
}

export async function setMeta(key, value) {
  return (await db()).put('meta', value, key);
}

export async function delMeta(key) {
  return (await db()).delete('meta', key);
}
