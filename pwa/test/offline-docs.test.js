// The reserve of numbers (文号) a phone prints offline documents under (offline-docs.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unused } from '../src/offline-docs.js';

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
