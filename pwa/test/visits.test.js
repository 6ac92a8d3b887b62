// A drawn visit recorded on the phone (src/visits.js): the payload as the contract has it,
// what the phone refuses before the server would, and each visit's record in the outbox.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  exportSize,
  formFromPayload,
  newVisitForm,
  signatureProblem,
  signed,
  visitMutation,
  visitPayload,
  visitProblems,
  visitStates,
  violations,
} from '../src/visits.js';

const visit = {
  id: 41,
  unit_code: '330802',
  period_start: '2026-12-01',
  period_end: '2026-12-31',
  checklist: [
    { matter_code: 'M1', department: 'SCJG', item: '食品经营许可' },
    { matter_code: 'M2', department: 'ZJ', item: '建筑垃圾' },
  ],
};
const INK = { w: 330, h: 200, strokes: [[10, 10, 40, 30, 80, 20]] };
const PNG = 'data:image/png;base64,iVBORw0KGgo=';
const NOON_DEC_10 = Date.parse('2026-12-10T04:00:00Z');

function filled(patch = {}) {
  return {
    ...newVisitForm(visit, NOON_DEC_10),
    certificates_shown: true,
    party_present: true,
    party_name: '张三',
    signature: INK,
    ...patch,
  };
}

const fields = (problems) => problems.map(([f]) => f);

test("a new form is dated China's day, one compliant item per checklist item, nothing assumed", () => {
  // 23:30 in UTC on the 9th is the 10th in China.
  const form = newVisitForm(visit, Date.parse('2026-12-09T16:30:00Z'));
  assert.equal(form.day, '2026-12-10');
  assert.deepEqual(form.results, [
    { result: 'compliant', note: '' },
    { result: 'compliant', note: '' },
  ]);
  assert.equal(form.certificates_shown, false);
  assert.equal(form.party_present, null);
});

test('the payload is the contract: items in checklist order, blanks left out, the signature when the party signs', () => {
  const form = filled({
    results: [
      { result: 'violation', note: ' 院内堆放 ' },
      { result: 'not_applicable', note: '  ' },
    ],
    findings: '  ',
  });
  const p = visitPayload(visit, form, { signatureUrl: PNG });
  assert.deepEqual(p, {
    visit_id: 41,
    unit_code: '330802',
    done_on: '2026-12-10',
    items: [
      { matter_code: 'M1', department: 'SCJG', result: 'violation', note: '院内堆放' },
      { matter_code: 'M2', department: 'ZJ', result: 'not_applicable' },
    ],
    certificates_shown: true,
    party_present: true,
    party_name: '张三',
    party_signature: PNG,
  });
  const m = visitMutation(p, 'r-1');
  assert.deepEqual(m, { record_type: 'visit_record', record_id: 'r-1', op: 'create', payload: p });
  assert.ok(!('parent_id' in m));
});

test('a refusal replaces the signature; a party not there gives neither, nor a name', () => {
  const refused = visitPayload(visit, filled({ refused: true, party_refusal: ' 拒绝签字，称不认可 ' }), { signatureUrl: PNG });
  assert.equal(refused.party_refusal, '拒绝签字，称不认可');
  assert.ok(!('party_signature' in refused));
  const absent = visitPayload(visit, filled({ party_present: false, findings: '门店关闭' }), { signatureUrl: PNG });
  assert.equal(absent.party_present, false);
  assert.equal(absent.findings, '门店关闭');
  for (const k of ['party_name', 'party_signature', 'party_refusal']) assert.ok(!(k in absent), k);
});

test('the fix goes along when the phone has a believable one', () => {
  const fix = { lat: 28.93, lng: 118.78, accuracy_m: 12, fix_time: '2026-12-10T04:00:00Z' };
  assert.deepEqual(visitPayload(visit, filled(), { signatureUrl: PNG, fix }).location, fix);
  assert.ok(!('location' in visitPayload(visit, filled(), { signatureUrl: PNG, fix: { ...fix, accuracy_m: 0 } })));
  assert.ok(!('location' in visitPayload(visit, filled(), { signatureUrl: PNG })));
});

test('a complete form has no problem', () => {
  assert.deepEqual(visitProblems(visit, filled(), { today: '2026-12-10' }), []);
  assert.deepEqual(visitProblems(visit, filled({ party_present: false, signature: null, party_name: '' }), { today: '2026-12-10' }), []);
  assert.deepEqual(visitProblems(visit, filled({ signature: null, refused: true, party_refusal: '拒签' }), { today: '2026-12-10' }), []);
});

test('what the server would refuse is named by its field', () => {
  const at = { today: '2026-12-10' };
  assert.deepEqual(fields(visitProblems(visit, filled({ certificates_shown: false }), at)), ['certificates_shown']);
  assert.deepEqual(fields(visitProblems(visit, filled({ party_present: null }), at)), ['party_present']);
  assert.deepEqual(fields(visitProblems(visit, filled({ party_name: '  ' }), at)), ['party_name']);
  assert.deepEqual(fields(visitProblems(visit, filled({ party_name: '名'.repeat(101) }), at)), ['party_name']);
  // Present: a signature or a refusal with its reason; a tap on the pad is no signature.
  assert.deepEqual(visitProblems(visit, filled({ signature: null }), at), [['party_signature', 'visit_need_signature']]);
  assert.deepEqual(fields(visitProblems(visit, filled({ signature: { w: 1, h: 1, strokes: [[5, 5]] } }), at)), ['party_signature']);
  assert.deepEqual(fields(visitProblems(visit, filled({ signature: null, refused: true }), at)), ['party_refusal']);
  assert.deepEqual(fields(visitProblems(visit, filled({ findings: 'x'.repeat(8001) }), at)), ['findings']);
  assert.deepEqual(
    fields(
      visitProblems(
        visit,
        filled({
          results: [
            { result: 'compliant', note: 'x'.repeat(2001) },
            { result: '', note: '' },
          ],
        }),
        at,
      ),
    ),
    ['items.0.note', 'items.1.result'],
  );
});

test('a visit from a list fetched before the unit was named cannot be recorded: it would be refused', () => {
  const { unit_code: _, ...old } = visit;
  assert.deepEqual(visitProblems(old, filled(), { today: '2026-12-10' }), [['unit_code', 'visit_list_old']]);
});

test("the day: a day of the plan's period, not to come, with the officer's certificate valid", () => {
  const problem = (day, opts = {}) => visitProblems(visit, filled({ day }), { today: '2026-12-10', ...opts }).map(([, k]) => k);
  assert.deepEqual(problem(''), ['visit_need_day']);
  assert.deepEqual(problem('2026-12-11'), ['visit_day_future']);
  assert.deepEqual(problem('2026-11-30'), ['visit_day_outside']);
  assert.deepEqual(problem('2026-12-05', { me: { certificate_valid_until: '2026-12-04' } }), ['visit_certificate_day']);
  assert.deepEqual(problem('2026-12-05', { me: { certificate_valid_from: '2026-01-01', certificate_valid_until: '2027-01-01' } }), []);
});

test("the signature PNG keeps the pad's shape within 600 × 240", () => {
  assert.deepEqual(exportSize(330, 200), { width: 396, height: 240, scale: 1.2 });
  assert.deepEqual(exportSize(1200, 240), { width: 600, height: 120, scale: 0.5 });
  const s = exportSize(361, 220);
  assert.ok(s.width <= 600 && s.height <= 240);
  assert.equal(signatureProblem(PNG), null);
  assert.equal(signatureProblem('data:image/jpeg;base64,AAAA'), 'visit_need_signature');
  assert.equal(signatureProblem(`data:image/png;base64,${'A'.repeat(120000)}`), 'visit_signature_too_big');
  assert.equal(signed(INK), true);
  assert.equal(signed(null), false);
});

test('violations found are the items marked so, with their notes', () => {
  const form = filled({
    results: [
      { result: 'compliant', note: '' },
      { result: 'violation', note: '堆放' },
    ],
  });
  assert.deepEqual(violations(visit, form), [{ ...visit.checklist[1], result: 'violation', note: '堆放' }]);
});

test('each visit shows its newest record: queued, sent, refused (record again) or taken by the partner', () => {
  const e = (seq, visitId, state, result = null, user = 7) => ({
    seq,
    user_id: user,
    state,
    result,
    mutation: { record_type: 'visit_record', record_id: `r${seq}`, op: 'create', payload: { visit_id: visitId } },
  });
  const entries = [
    e(1, 41, 'attention', { outcome: 'rejected', reason: 'validation', fields: { party_signature: ['required'] } }),
    e(2, 41, 'pending'),
    e(3, 42, 'done', { outcome: 'applied' }),
    e(4, 43, 'attention', { outcome: 'rejected', reason: 'validation' }),
    e(5, 44, 'done', { outcome: 'rejected', reason: 'validation' }), // a refusal read and acknowledged
    e(6, 45, 'attention', { outcome: 'rejected', reason: 'visit_done' }),
    e(7, 46, 'done', { outcome: 'conflict', reason: 'visit_done' }),
    e(8, 47, 'sending'),
    e(9, 48, 'pending', null, 8), // another person's, on a shared phone
    { seq: 10, user_id: 7, state: 'pending', mutation: { record_type: 'clue', record_id: 'c', op: 'create', payload: {} } },
  ];
  const states = visitStates(entries, 7);
  assert.deepEqual(Object.fromEntries([...states].map(([id, s]) => [id, s.state])), {
    41: 'queued',
    42: 'sent',
    43: 'refused',
    44: 'refused',
    45: 'taken',
    46: 'taken',
    47: 'queued',
  });
  assert.equal(states.get(41).entry.seq, 2);
});

test('a refused record opens again as it was sent, the signature to be drawn again', () => {
  const form = filled({
    results: [
      { result: 'violation', note: '院内堆放' },
      { result: 'not_applicable', note: '' },
    ],
    findings: '发现一处',
    refused: true,
    party_refusal: '拒签',
  });
  const payload = visitPayload(visit, form, { signatureUrl: PNG });
  const again = formFromPayload(visit, payload, NOON_DEC_10);
  assert.deepEqual(again, { ...form, signature: null });
  // An item the record lacks is compliant, as a new form has it.
  const partial = formFromPayload(visit, { ...payload, items: payload.items.slice(1) }, NOON_DEC_10);
  assert.deepEqual(partial.results[0], { result: 'compliant', note: '' });
  assert.deepEqual(partial.results[1], { result: 'not_applicable', note: '' });
});
