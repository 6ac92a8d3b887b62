// Recording sound and video (src/recording.js) against the workflow the server exports (in
// vectors.json): the recorder's type is one the workflow accepts and the browser writes; a
// file from the phone's own recorder is known by its bytes, not by what the picker says;
// what does not fit the kind is refused before anything is stored.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { baseType, clock, prepareRecording, recorderType, sniffRecording } from '../src/recording.js';

const vectors = JSON.parse(readFileSync(new URL('./vectors.json', import.meta.url)));
const kinds = vectors.workflow.records.evidence.kinds;

const browser = (supported) => ({ isTypeSupported: (t) => supported.includes(t) });

test('the recorder writes MP4 where it can, WebM otherwise, and only what the workflow takes', () => {
  assert.equal(recorderType('audio', kinds, browser(['audio/mp4', 'audio/webm;codecs=opus'])), 'audio/mp4');
  assert.equal(recorderType('audio', kinds, browser(['audio/webm;codecs=opus'])), 'audio/webm;codecs=opus');
  assert.equal(recorderType('video', kinds, browser(['video/webm;codecs=vp8,opus', 'video/webm'])), 'video/webm;codecs=vp8,opus');
  assert.equal(recorderType('video', kinds, browser(['video/x-matroska'])), null);
  assert.equal(recorderType('video', kinds, undefined), null); // no MediaRecorder at all
  // A kind the workflow does not offer for this record (a visit's photo): nothing to record.
  assert.equal(recorderType('audio', { photo: kinds.photo }, browser(['audio/mp4'])), null);
  for (const k of ['audio', 'video']) {
    const chosen = recorderType(k, kinds, browser(['audio/mp4', 'video/mp4']));
    assert.ok(kinds[k].media_types.includes(baseType(chosen)));
  }
});

const bytes = (...parts) => new Blob(parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : new Uint8Array(p))));

test("a chosen file is known by its first bytes, as the server's ffprobe will know it", async () => {
  assert.equal(await sniffRecording(bytes([0, 0, 0, 0x20], 'ftypM4A ', [0, 0]), 'audio'), 'audio/mp4');
  assert.equal(await sniffRecording(bytes([0, 0, 0, 0x14], 'ftypqt  '), 'video'), 'video/quicktime');
  assert.equal(await sniffRecording(bytes([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0]), 'video'), 'video/webm');
  assert.equal(await sniffRecording(bytes('OggS', [0, 2, 0, 0, 0, 0, 0, 0]), 'audio'), 'audio/ogg');
  assert.equal(await sniffRecording(bytes('ID3', [4, 0, 0, 0, 0, 0, 0, 0, 0]), 'audio'), 'audio/mpeg');
  assert.equal(await sniffRecording(bytes('#!AMR\n', [0, 0, 0, 0, 0, 0]), 'audio'), null); // an old phone's AMR
  assert.equal(await sniffRecording(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0, 0, 0, 0, 0]), 'video'), null);
});

test('a recording is hashed as kept, and what does not fit its kind is refused first', async () => {
  const webm = bytes([0x1a, 0x45, 0xdf, 0xa3], 'a voice note');
  const kept = await prepareRecording(webm, 'audio', kinds, { durationMs: 2000 });
  assert.equal(kept.kind, 'audio');
  assert.equal(kept.copy, null);
  assert.equal(kept.original.media_type, 'audio/webm');
  assert.equal(kept.original.size, webm.size);
  assert.match(kept.original.sha256, /^[0-9a-f]{64}$/);
  const longest = kinds.audio.max_seconds * 1000;
  await assert.rejects(prepareRecording(webm, 'audio', kinds, { durationMs: longest + 5000 }), { reason: 'rec_too_long' });
  await assert.rejects(prepareRecording(bytes('#!AMR\n'), 'audio', kinds, { durationMs: 1000 }), { reason: 'rec_bad' });
  // Declared by the recorder as a type the kind does not take.
  await assert.rejects(prepareRecording(webm, 'audio', kinds, { mediaType: 'audio/x-matroska', durationMs: 1 }), { reason: 'rec_bad' });
});

test('the clock reads as a person reads one', () => {
  assert.equal(clock(0), '0:00');
  assert.equal(clock(7400), '0:07');
  assert.equal(clock(750000), '12:30');
  assert.equal(clock(3723000), '1:02:03');
});
