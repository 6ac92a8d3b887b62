// The storage layer's seal (src/db.js over src/vault.js), on fake-indexeddb: values go in
// sealed and come out plain through the app's own calls, transactions included; nothing of
// a record is readable in the raw store; a wrong key opens nothing; clear stores are sealed
// at the first unlock; and the passphrase rule and the PRF branch say what they should.
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import { db, getMeta, sealClearValues, setMeta } from '../src/db.js';
import { MIN_SPACE_DIGITS, enrolPrf, kekFor, prfOffered, spaceDigits, weakness } from '../src/kdf.js';
import * as vault from '../src/vault.js';

const PARTY = { record_type: 'party', id: 'p1', version: 1, data: { id_number: '420102199001011234', description: '在河道旁搭建' } };

function raw(store, key) {
  return new Promise((ok) => {
    const r = indexedDB.open('fieldcase');
    r.onsuccess = () => {
      const g = r.result.transaction(store).objectStore(store).get(key);
      g.onsuccess = () => {
        r.result.close();
        ok(g.result);
      };
    };
  });
}

const rawText = (v) => JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? new TextDecoder().decode(x) : x));

test('values written while unlocked are sealed on the storage and plain to the app', async () => {
  const { kid, raw: key } = vault.newDataKey();
  vault.useKey(kid, key);
  const d = await db();
  await d.put('records', PARTY);
  await setMeta('draft:report:1', { description: '在河道旁搭建', photos: [] });
  // a read-modify-write in one transaction, as sync.js does: the seal keeps it alive
  const tx = d.transaction('outbox', 'readwrite');
  const seq = await tx.store.add({ state: 'pending', user_id: 1, mutation: { payload: PARTY.data } });
  const back = await tx.store.get(seq);
  await tx.store.put({ ...back, state: 'done' });
  await tx.done;

  assert.deepEqual((await d.get('records', ['party', 'p1'])).data, PARTY.data);
  assert.deepEqual(await d.getAllFromIndex('records', 'type', 'party'), [PARTY]);
  assert.equal((await d.getAllFromIndex('outbox', 'state', 'done'))[0].mutation.payload.id_number, PARTY.data.id_number);
  assert.equal((await getMeta('draft:report:1')).description, '在河道旁搭建');
  for (const stored of [await raw('records', ['party', 'p1']), await raw('outbox', seq), await raw('meta', 'draft:report:1')]) {
    assert.ok(vault.isSealed(stored));
    assert.ok(!rawText(stored).includes('420102199001011234') && !rawText(stored).includes('河道'));
  }
  assert.equal((await raw('outbox', seq)).state, 'done'); // the index still works on it
});

test('locked, nothing opens and nothing is written; another key opens nothing either', async () => {
  vault.forgetKeys();
  const d = await db();
  assert.equal(await d.get('records', ['party', 'p1']), undefined);
  assert.deepEqual(await d.getAll('records'), []);
  await assert.rejects(d.put('records', PARTY), vault.Locked);
  await assert.rejects(setMeta('draft:report:1', {}), vault.Locked);
  assert.equal(await getMeta('device_id'), null); // the clear entries still read (none here)
  const other = vault.newDataKey();
  vault.useKey(other.kid, other.raw);
  assert.deepEqual(await d.getAll('records'), []);
  vault.forgetKeys();
});

test('what an older version stored in clear is sealed at the first unlock', async () => {
  vault.forgetKeys();
  await new Promise((ok) => {
    const r = indexedDB.open('fieldcase');
    r.onsuccess = () => {
      const tx = r.result.transaction(['records', 'meta'], 'readwrite');
      tx.objectStore('records').put({ ...PARTY, id: 'old' });
      tx.objectStore('meta').put('dev-1', 'device_id');
      tx.oncomplete = () => {
        r.result.close();
        ok();
      };
    };
  });
  const { kid, raw: key } = vault.newDataKey();
  vault.useKey(kid, key);
  assert.equal(await sealClearValues(), 1);
  assert.ok(vault.isSealed(await raw('records', ['party', 'old'])));
  assert.equal(await raw('meta', 'device_id'), 'dev-1'); // needed before unlocking
  assert.equal((await (await db()).get('records', ['party', 'old'])).data.id_number, PARTY.data.id_number);
  assert.equal(await sealClearValues(), 0);
});

test('photos are sealed with WebCrypto and open to the same bytes and type', async () => {
  const { kid, raw: key } = vault.newDataKey();
  vault.useKey(kid, key);
  const photo = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3])], { type: 'image/jpeg' });
  const sealed = await vault.sealBlob(photo);
  assert.ok(sealed.type.startsWith(vault.SEALED_TYPE));
  assert.ok(!Buffer.from(await sealed.arrayBuffer()).includes(Buffer.from([0xff, 0xd8, 0xff, 1, 2, 3])));
  const back = await vault.openBlob(sealed);
  assert.equal(back.type, 'image/jpeg');
  assert.deepEqual(new Uint8Array(await back.arrayBuffer()), new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]));
  vault.forgetKeys();
  await assert.rejects(vault.openBlob(sealed), vault.Locked);
});

test('the data key wrapped under a passphrase opens only with that passphrase', async () => {
  const params = { name: 'argon2id', m: 1024, t: 1, p: 1, salt: new Uint8Array(16) }; // small: a unit test
  const { raw: key } = vault.newDataKey();
  const wrapped = await vault.wrapKey(await kekFor(params, 'abcd1234efgh'), key);
  assert.deepEqual(await vault.unwrapKey(await kekFor(params, 'abcd1234efgh'), wrapped), key);
  await assert.rejects(vault.unwrapKey(await kekFor(params, 'abcd1234efgi'), wrapped), { name: 'OperationError' });
});

test('the passphrase rule: at least 10^12 of its kind', () => {
  assert.equal(MIN_SPACE_DIGITS, 12);
  for (const weak of ['2468', '24681357', '12345678901', 'abc1234', '111111111111', 'abababab1111']) assert.ok(weakness(weak), weak);
  for (const ok of ['246813579024', 'field2026x', 'shuiliju河道', '730519864203']) assert.equal(weakness(ok), null, ok);
  // Long enough and varied enough, but a pattern a guesser tries first.
  for (const regular of ['123456789012', '987654321098', 'abcdefgh1234', '123412341234', '135713571357', 'Abcdefgh5678']) {
    assert.equal(weakness(regular), 'pin_predictable', regular);
  }
  assert.ok(spaceDigits('246813579024') >= 12 && spaceDigits('field202') >= 12);
});

function fakeCredentials({ prfAtCreate, output }) {
  const calls = [];
  const ext = (withResult) => ({ prf: { enabled: true, ...(withResult ? { results: { first: output.buffer } } : {}) } });
  return {
    calls,
    async create(o) {
      calls.push(['create', o.publicKey.extensions.prf.eval.first]);
      return { rawId: new Uint8Array([7, 7]).buffer, getClientExtensionResults: () => ext(prfAtCreate) };
    },
    async get(o) {
      calls.push(['get', o.publicKey.extensions.prf.eval.first, new Uint8Array(o.publicKey.allowCredentials[0].id)]);
      return { getClientExtensionResults: () => ext(true) };
    },
  };
}

test('the PRF branch: enrol once, and the same authenticator output unwraps the key again', async () => {
  for (const prfAtCreate of [true, false]) {
    const output = crypto.getRandomValues(new Uint8Array(32));
    const creds = fakeCredentials({ prfAtCreate, output });
    const enrolled = await enrolPrf({ id: 3, username: 'hb_grid3' }, creds);
    assert.equal(enrolled.params.name, 'prf');
    const { raw: key } = vault.newDataKey();
    const wrapped = await vault.wrapKey(enrolled.kek, key);
    assert.deepEqual(await vault.unwrapKey(await kekFor(enrolled.params, '', creds), wrapped), key);
    const gets = creds.calls.filter((c) => c[0] === 'get');
    assert.deepEqual(gets.at(-1)[1], enrolled.params.salt); // same salt, same credential
    assert.deepEqual(gets.at(-1)[2], new Uint8Array([7, 7]));
    const other = fakeCredentials({ prfAtCreate, output: crypto.getRandomValues(new Uint8Array(32)) });
    await assert.rejects(vault.unwrapKey(await kekFor(enrolled.params, '', other), wrapped));
  }
});

test('PRF is offered only with a platform authenticator that has it', async () => {
  assert.equal(await prfOffered(undefined), false);
  assert.equal(
    await prfOffered({ getClientCapabilities: async () => ({ 'extension:prf': true, userVerifyingPlatformAuthenticator: false }) }),
    false,
  );
  assert.equal(
    await prfOffered({ getClientCapabilities: async () => ({ 'extension:prf': true, userVerifyingPlatformAuthenticator: true }) }),
    true,
  );
});
