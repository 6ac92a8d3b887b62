// A form's draft (src/draft.js) on fake-indexeddb: kept sealed with its photos' and
// recordings' bytes, hashes and capture times as they were; written in order with only the
// newest waiting (an older write never lands after a newer one); a photo sealed once, not at
// every keystroke; and nothing written once the save has closed it.
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import { getMeta } from '../src/db.js';
import { draftWriter, storable, writeDraft } from '../src/draft.js';
import * as vault from '../src/vault.js';

function raw(key) {
  return new Promise((ok) => {
    const r = indexedDB.open('fieldcase');
    r.onsuccess = () => {
      const g = r.result.transaction('meta').objectStore('meta').get(key);
      g.onsuccess = () => {
        r.result.close();
        ok(g.result);
      };
    };
  });
}

const later = (ms) => new Promise((ok) => setTimeout(ok, ms));

test('an object URL is not stored (it dies with its page); everything else is', () => {
  const photo = { url: 'blob:http://x/1', sha256: 'ab', captured_at: '2026-12-06T08:00:00.000Z', note: { url: 'https://x' } };
  assert.deepEqual(storable({ photos: [photo], findings: '占道' }), {
    photos: [{ sha256: 'ab', captured_at: '2026-12-06T08:00:00.000Z', note: { url: 'https://x' } }],
    findings: '占道',
  });
});

test('writes go in order, only the newest waits, and a closed writer writes nothing', async () => {
  const written = [];
  const states = [];
  const writer = draftWriter(
    async (v) => {
      await later(v === 1 ? 30 : 1);
      written.push(v);
    },
    (s) => states.push(s),
  );
  writer.put(1);
  writer.put(2);
  writer.put(3);
  await writer.put(4);
  assert.deepEqual(written, [1, 4]); // 2 and 3 were overtaken while 1 was being written
  assert.equal(states.at(-1), 'saved');
  writer.put(5);
  await writer.close(); // a save: the running write ends, no other starts
  await writer.put(6);
  assert.deepEqual(written, [1, 4, 5]);
  writer.open();
  await writer.put(7);
  assert.deepEqual(written, [1, 4, 5, 7]);
});

test('a refused write says so, and the next one that succeeds says saved', async () => {
  const states = [];
  let full = true;
  const writer = draftWriter(
    async () => {
      if (full) throw new DOMException('full', 'QuotaExceededError');
    },
    (s) => states.push(s),
  );
  await writer.put('a');
  assert.equal(states.at(-1), 'failed');
  full = false;
  await writer.put('b');
  assert.equal(states.at(-1), 'saved');
});

test('a draft keeps its recordings sealed, with their bytes, hashes and capture times; each sealed once', async () => {
  const { kid, raw: key } = vault.newDataKey();
  vault.useKey(kid, key);
  const audio = new Blob([new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3])], { type: 'audio/webm' });
  const photo = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 9, 9])], { type: 'image/jpeg' });
  const item = (blob, kind, sha) => ({
    kind,
    original: { blob, sha256: sha, size: blob.size, media_type: blob.type },
    copy: null,
    captured_at: '2026-12-06T08:00:00.000Z',
    url: 'blob:x',
  });
  const draft = { photos: [item(photo, 'photo', 'p1'), item(audio, 'audio', 'a1')], form: { findings: '' } };
  await writeDraft('draft:task:1:c1', draft);
  const first = await raw('draft:task:1:c1');
  await writeDraft('draft:task:1:c1', { ...draft, form: { findings: '路边堆放砖块' } });
  const second = await raw('draft:task:1:c1');
  assert.ok(vault.isSealed(second));
  assert.ok(second.$x.every((b) => b.type.startsWith(vault.SEALED_TYPE)));
  // The keystroke sealed no photo again: the very same sealed bytes are stored.
  const bytes = async (b) => Buffer.from(await b.arrayBuffer()).toString('hex');
  assert.deepEqual(await Promise.all(second.$x.map(bytes)), await Promise.all(first.$x.map(bytes)));
  const back = await getMeta('draft:task:1:c1');
  assert.equal(back.form.findings, '路边堆放砖块');
  assert.deepEqual(
    back.photos.map((p) => [p.kind, p.original.sha256, p.captured_at, p.url]),
    [
      ['photo', 'p1', '2026-12-06T08:00:00.000Z', undefined],
      ['audio', 'a1', '2026-12-06T08:00:00.000Z', undefined],
    ],
  );
  assert.deepEqual([...new Uint8Array(await back.photos[1].original.blob.arrayBuffer())], [0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3]);
  assert.equal(back.photos[1].original.blob.type, 'audio/webm');
  vault.forgetKeys();
});
