// The reserve of numbers (文号) a phone prints offline documents under (offline-docs.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issuedFor, issuedForRecord, offlineContext, offlineWaits, partySigning, signsByHand, unused } from '../src/offline-docs.js';

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

test('an inspection record is never signed by hand on the paper: its own refusal, else the one chosen', () => {
  assert.equal(signsByHand('inspection_record'), false);
  assert.ok(['correction_order', 'preservation_notice', 'summary_decision'].every(signsByHand));
  const args = { people: [], labels: {}, photos: [], signatureSha: null };
  const record = { officers: [], party_refusal: null };
  const ctx = (inspection, signing) => offlineContext('inspection_record', { party: {} }, { ...args, inspection, signing }).signing;
  // The paper chosen for a notice is not the record's: nothing is noted (the server refuses it).
  assert.deepEqual(ctx(record, { paper: true }), { party_signature: null, party_refusal: null, party_signs_paper: null });
  assert.deepEqual(ctx(record, { refused: '不愿签' }).party_refusal, { reason: '不愿签' });
  // The refusal the record notes itself stands.
  assert.deepEqual(ctx({ ...record, party_refusal: '拒签' }, {}).party_refusal, { reason: '拒签' });
});

test('a record recorded here, its code not yet given by the server, has nothing issued', () => {
  const issued = [{ id: 'd2', kind: 'inspection_record', act_code: 'JC1', doc_number: '检1号' }];
  assert.equal(issuedForRecord(issued, 'inspection_record', { id: 'i1', code: 'JC1' }).id, 'd2');
  assert.equal(issuedForRecord(issued, 'inspection_record', { id: 'i2', code: null, act_code: 'JC2', local: true }), null);
  assert.equal(issuedForRecord(issued, 'inspection_record', { id: 'i3', act_code: 'JC1', local: true }), null);
  assert.equal(issuedForRecord(issued, 'inspection_record', undefined), null);
});
