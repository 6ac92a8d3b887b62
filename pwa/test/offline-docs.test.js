// The reserve of numbers (文号) a phone prints offline documents under (offline-docs.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { offlineWaits, unused } from '../src/offline-docs.js';

test('a number printed on is never offered again, whatever the server answered before', () => {
  const reserve = [
    { id: 'r1', kind: 'correction_order', doc_number: '航埠镇综执责改〔2026〕1号' },
    { id: 'r2', kind: 'correction_order', doc_number: '航埠镇综执责改〔2026〕2号' },
    { id: 'r3', kind: 'summary_decision', doc_number: '航埠镇综执当罚〔2026〕1号' },
  ];
  // The top-up was asked for before r1's copy was queued: the server still counts r1 free.
  const printed = [{ id: 'c1', reservation_id: 'r1', state: 'pending' }];
  assert.deepEqual(
    unused(reserve, printed).map((r) => r.id),
    ['r2', 'r3'],
  );
  // A copy already answered keeps its number too.
  assert.deepEqual(
    unused(reserve, [...printed, { id: 'c2', reservation_id: 'r3', state: 'done' }]).map((r) => r.id),
    ['r2'],
  );
  assert.deepEqual(unused(reserve, []), reserve);
});

test('an act code an inspection record recorded here took is never offered again', () => {
  const reserve = [
    { id: 'j1', kind: 'inspection_record', act_code: 'A-JC-1' },
    { id: 'j2', kind: 'inspection_record', act_code: 'A-JC-2' },
  ];
  // The record is still in the outbox: the server does not know its code is taken.
  assert.deepEqual(
    unused(reserve, [], { i1: reserve[0] }).map((r) => r.id),
    ['j2'],
  );
});

test('an inspection record prints offline only under the act code it took here', () => {
  const spec = { offline: true };
  assert.equal(offlineWaits('inspection_record', spec, {}, [], null, null), 'not_reserved');
  assert.equal(offlineWaits('inspection_record', spec, {}, [], null, { id: 'j1' }), null);
  assert.equal(offlineWaits('inspection_record', {}, {}, [], null, { id: 'j1' }), 'online_only');
});
