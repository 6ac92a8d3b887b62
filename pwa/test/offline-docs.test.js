// The reserve of numbers (文号) a phone prints offline documents under (offline-docs.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issuedFor, offlineWaits, partySigning, unused } from '../src/offline-docs.js';

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

test('a kind the server issued is found by its kind, a record by its own act code', () => {
  const issued = [
    { id: 'd1', kind: 'correction_order', act_code: 'ZG1', doc_number: '责改1号' },
    { id: 'd2', kind: 'inspection_record', act_code: 'JC1', doc_number: '检1号' },
  ];
  assert.equal(issuedFor(issued, 'correction_order').id, 'd1');
  assert.equal(issuedFor(issued, 'preservation_notice'), null);
  assert.equal(issuedFor(issued, 'inspection_record', 'JC1').id, 'd2');
  assert.equal(issuedFor(issued, 'inspection_record', 'JC2'), null);
  assert.equal(issuedFor(undefined, 'correction_order'), null);
});

test('a preservation notice is made offline only with what the server prints it from', () => {
  const spec = { offline: true, after: 'preserved_on' };
  const record = { started_at: '2026-03-14T09:00:00+08:00', officers: [1, 2], status: 'complete' };
  const rec = {
    preserved_on: '2026-03-14',
    preserved_items: '焚烧工具一套\n秸秆 约20千克',
    preservation_place: '执法队证据保管室',
    preservation_approved: true,
  };
  assert.equal(offlineWaits('preservation_notice', spec, rec, [record]), null);
  assert.equal(offlineWaits('preservation_notice', spec, rec, []), 'no_inspection');
  const later = { ...record, started_at: '2026-03-15T09:00:00+08:00' };
  assert.equal(offlineWaits('preservation_notice', spec, rec, [later]), 'no_inspection');
  const awaiting = { ...record, status: 'awaiting_confirmation' };
  assert.equal(offlineWaits('preservation_notice', spec, rec, [awaiting]), 'inspection_unconfirmed');
  const without = (patch) => offlineWaits('preservation_notice', spec, { ...rec, ...patch }, [record]);
  assert.equal(without({ preservation_approved: null }), 'not_approved');
  assert.equal(without({ preservation_place: null }), 'no_storage_place');
  assert.equal(without({ preserved_items: '焚烧工具\n秸秆 约20千克' }), 'item_quantity');
  assert.equal(offlineWaits('preservation_notice', { ...spec, offline: false }, rec, [record]), 'online_only');
});

test('the party signed the paper by hand, or refused with a reason: never both', () => {
  assert.deepEqual(partySigning({ paper: true }), { party_signature: null, party_refusal: null, party_signs_paper: true });
  assert.deepEqual(partySigning({ refused: '不愿签' }), {
    party_signature: null,
    party_refusal: { reason: '不愿签' },
    party_signs_paper: null,
  });
  assert.deepEqual(partySigning({}), { party_signature: null, party_refusal: null, party_signs_paper: null });
  assert.deepEqual(partySigning(undefined), { party_signature: null, party_refusal: null, party_signs_paper: null });
});
