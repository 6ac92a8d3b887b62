// The desk's side of a body camera's import: the hash it declares (the server refuses any
// other bytes), the media type it declares by extension, and the times typed for a range.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { bodycamType, clock, hashFile, parseClock } from '../src/console/bodycam.js';

const SPEC = { extensions: { mp4: 'video/mp4', mov: 'video/quicktime', avi: 'video/x-msvideo' } };

test('a big file is hashed a slice at a time to the same SHA-256 as in one go', async () => {
  const bytes = new Uint8Array(20 * 1024 * 1024 + 7).map((_, i) => (i * 31) % 251);
  const file = new Blob([bytes]);
  const expected = createHash('sha256').update(bytes).digest('hex');
  const seen = [];
  assert.equal(await hashFile(file, (done, total) => seen.push([done, total]), { small: 1024 }), expected);
  assert.equal(await hashFile(file), expected); // Web Crypto, whole
  assert.ok(seen.length >= 3, 'progress is reported slice by slice');
  assert.deepEqual(seen.at(-1), [file.size, file.size]);
});

test('the media type is the workflow’s for the extension, whatever its case', () => {
  assert.equal(bodycamType('20261203_101500_DSJ12345.MP4', SPEC), 'video/mp4');
  assert.equal(bodycamType('old.AVI', SPEC), 'video/x-msvideo');
  assert.equal(bodycamType('clip.mov', SPEC), 'video/quicktime');
  assert.equal(bodycamType('notes.txt', SPEC), null);
  assert.equal(bodycamType('noextension', SPEC), null);
});

test('a typed time is mm:ss, h:mm:ss or seconds; anything else is no time', () => {
  assert.equal(parseClock('00:01'), 1000);
  assert.equal(parseClock('1:02:03'), 3723000);
  assert.equal(parseClock('90'), 90000);
  assert.equal(parseClock('1:3x'), null);
  assert.equal(parseClock(''), null);
  assert.equal(clock(62500), '01:02');
});
