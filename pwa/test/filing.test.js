// How the phone files the server's answers (src/filing.js): by outcome, a replay as its first
// answer, and never over an outcome newer than the run that files it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ATTENTION,
  DONE,
  HELD,
  PENDING,
  SENDING,
  WAITING,
  arrived,
  claim,
  file,
  release,
  resendable,
  showsUntilPulled,
  stateFor,
  uploadable,
  waiting,
} from '../src/filing.js';

const entry = (seq, state, extra = {}) => ({
  seq,
  user_id: 7,
  state,
  mutation: { id: `m${seq}`, record_type: 'evidence', record_id: `e${seq}`, op: 'create' },
  result: null,
  ...extra,
});

test('each answer is filed by its outcome, a replay exactly as its first answer', () => {
  const first = { mutation_id: 'm1', outcome: 'rejected', reason: 'already_taken' };
  assert.equal(stateFor(first), ATTENTION);
  assert.equal(stateFor({ ...first, replay: true }), ATTENTION);
  for (const outcome of ['applied', 'merged', 'conflict', 'duplicate']) {
    assert.equal(stateFor({ outcome }), DONE, outcome);
    assert.equal(stateFor({ outcome, replay: true }), DONE, outcome);
  }
  assert.equal(stateFor({ outcome: 'waiting', reason: 'waiting_parent' }), WAITING);
  assert.equal(stateFor({ outcome: 'rejected', reason: 'mutation_mismatch' }), ATTENTION);
});

test('a run files only entries still in the state it put them in', () => {
  const sent = claim(entry(1, PENDING), 'run-a');
  assert.deepEqual([sent.state, sent.run], [SENDING, 'run-a']);
  const answer = { mutation_id: 'm1', outcome: 'rejected', reason: 'already_taken', replay: true };
  const filed = file(sent, answer, 'run-a', '2026-10-09T00:00:00Z');
  assert.equal(filed.state, ATTENTION);
  assert.equal(filed.result, answer);
  assert.equal(filed.run, undefined);

  // Another tab's run filed it, or the person acknowledged it: the stale run changes nothing.
  assert.equal(file(filed, { outcome: 'applied' }, 'run-a', 'later'), null);
  assert.equal(file({ ...filed, state: DONE, acknowledged_at: 'x' }, { outcome: 'applied' }, 'run-a', 'later'), null);
  // Another run took it over after this one was given up for dead.
  const retaken = claim({ ...sent, state: PENDING }, 'run-b');
  assert.equal(file(retaken, { outcome: 'applied' }, 'run-a', 'later'), null);
  assert.equal(release(retaken, 'run-a'), null);
  assert.equal(release(retaken, 'run-b').state, PENDING);
  // An entry in flight in another run, or answered, is not claimed again.
  assert.equal(claim(retaken, 'run-a'), null);
  assert.equal(claim(filed, 'run-a'), null);
  assert.equal(claim(entry(2, WAITING), 'run-a'), null);
  assert.equal(claim(undefined, 'run-a'), null);
});

test('a waiting entry is done once its record is on the phone; nothing else moves', () => {
  assert.equal(arrived(entry(1, WAITING), true).state, DONE);
  assert.equal(arrived(entry(1, WAITING), false), null);
  assert.equal(arrived(entry(1, ATTENTION), true), null);
});

test('photos go only for evidence the server has taken, copies first', () => {
  const entries = [
    entry(1, DONE, { result: { outcome: 'applied' } }),
    entry(2, WAITING, { result: { outcome: 'waiting', reason: 'waiting_parent' } }),
    entry(3, DONE, { result: { outcome: 'rejected' }, acknowledged_at: 'x' }),
    entry(4, PENDING),
    entry(5, DONE, { result: { outcome: 'applied' } }),
  ];
  const f = (evidence, tier, state = PENDING, user = 7) => ({
    key: `${evidence}:${tier}`,
    evidence_id: evidence,
    tier,
    state,
    user_id: user,
  });
  const files = [
    f('e1', 'original'),
    f('e1', 'copy'),
    f('e2', 'original'),
    f('e3', 'original'),
    f('e4', 'original'),
    f('e5', 'original', HELD),
    f('e5', 'copy', PENDING, 8),
  ];
  const keys = (opts) => uploadable(files, entries, 7, opts).map((x) => x.key);
  assert.deepEqual(keys({ good: true }), ['e1:copy', 'e1:original']);
  assert.deepEqual(keys({ good: false }), ['e1:copy']);
  assert.deepEqual(keys({ good: false, all: true }), ['e1:copy', 'e1:original']);
});

test("a visit's photos go like a clue's once the server has taken their record, and count with the visit", () => {
  const photo = (seq, state, result) =>
    entry(seq, state, {
      result,
      mutation: { id: `m${seq}`, record_type: 'visit_photo', record_id: `p${seq}`, parent_id: 'r1', op: 'create' },
    });
  const entries = [
    entry(1, DONE, { result: { outcome: 'applied' }, mutation: { id: 'm1', record_type: 'visit_record', record_id: 'r1', op: 'create' } }),
    photo(2, DONE, { outcome: 'applied' }),
    photo(3, PENDING, null),
  ];
  const f = (evidence, tier) => ({
    key: `${evidence}:${tier}`,
    evidence_id: evidence,
    visit_record_id: 'r1',
    tier,
    state: PENDING,
    user_id: 7,
  });
  const files = [f('p2', 'original'), f('p2', 'copy'), f('p3', 'original')];
  assert.deepEqual(
    uploadable(files, entries, 7, { good: true }).map((x) => x.key),
    ['p2:copy', 'p2:original'],
  );
});

test('to a server that lost history go again the answered and the waiting, never a refusal', () => {
  const answered = (state, result) => entry(1, state, { result });
  for (const outcome of ['applied', 'merged', 'conflict', 'duplicate']) {
    assert.equal(resendable(answered(DONE, { outcome })), true, outcome);
    assert.equal(resendable(answered(DONE, { outcome, replay: true })), true, outcome);
  }
  assert.equal(resendable(answered(WAITING, { outcome: 'waiting', reason: 'waiting_parent' })), true);
  const refused = { outcome: 'rejected', reason: 'already_taken' };
  assert.equal(resendable(answered(ATTENTION, refused)), false);
  assert.equal(resendable(answered(DONE, refused)), false); // acknowledged by the person
  assert.equal(resendable(answered(DONE, { ...refused, replay: true })), false);
  assert.equal(resendable(answered(DONE, { outcome: 'duplicate', original: refused })), false);
  assert.equal(resendable(answered(PENDING, null)), false);
  assert.equal(resendable(answered(SENDING, null)), false);
});

test('a report with two photos waits as one thing, and its originals wait behind held copies', () => {
  const clue = { state: PENDING, mutation: { record_id: 'c1', parent_id: null } };
  const photo = (id, state) => ({ state, mutation: { record_id: id, parent_id: 'c1' } });
  const part = (id, tier, state) => ({ evidence_id: id, clue_id: 'c1', tier, state });
  const files = [
    part('e1', 'copy', PENDING),
    part('e1', 'original', PENDING),
    part('e2', 'copy', PENDING),
    part('e2', 'original', PENDING),
  ];
  const before = waiting([clue, photo('e1', PENDING), photo('e2', PENDING)], files);
  assert.deepEqual(before, { records: 1, photos: 2, originals: 0, attention: 0 });

  // After a sync on 3G: the records and the copies are held; the originals wait, and say why.
  const sent = [{ ...clue, state: DONE }, photo('e1', DONE), photo('e2', DONE)];
  const held = files.map((f) => (f.tier === 'copy' ? { ...f, state: HELD } : f));
  assert.deepEqual(waiting(sent, held), { records: 0, photos: 0, originals: 2, attention: 0 });

  // A photo small enough to go without a copy is the photo itself, not an original behind one.
  assert.deepEqual(waiting(sent, [part('e3', 'original', PENDING)]), { records: 0, photos: 1, originals: 0, attention: 0 });
  assert.deepEqual(waiting([{ ...clue, state: ATTENTION }], []), { records: 0, photos: 0, originals: 0, attention: 1 });
});

test('an applied step shows on its record until the pull that brings it, a refusal never', () => {
  const step = (result, extra = {}) => ({
    ...entry(1, DONE, { result, ...extra }),
    mutation: { id: 'm1', record_type: 'clue', record_id: 'c1', op: 'transition' },
  });
  const applied = { outcome: 'applied', version: 3 };
  assert.equal(showsUntilPulled(step(applied), { version: 2 }), true); // answered, not pulled
  assert.equal(showsUntilPulled(step(applied), { version: 3 }), false); // pulled already
  assert.equal(showsUntilPulled(step(applied, { held_by: 'g1' }), { version: 2 }), false); // a pull ran since
  assert.equal(showsUntilPulled(step({ outcome: 'rejected', reason: 'stale' }), { version: 2 }), false);
  assert.equal(showsUntilPulled(step({ outcome: 'conflict', version: 3 }), { version: 2 }), false);
  assert.equal(showsUntilPulled(step({ outcome: 'applied' }), { version: 2 }), false); // no version said
  assert.equal(showsUntilPulled({ ...step(applied), state: PENDING }), false); // overlaid as waiting anyway
  const create = { ...entry(2, DONE, { result: { outcome: 'applied', version: 1 } }) };
  assert.equal(showsUntilPulled(create, undefined), true); // a report sent, not yet pulled
  assert.equal(showsUntilPulled({ ...create, held_by: 'g1' }, undefined), false); // pulled: it left the view
});
