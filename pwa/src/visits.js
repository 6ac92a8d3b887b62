// A drawn visit (检查任务) recorded on the phone, offline: the form's state, what the phone
// checks before saving (what the server would refuse, named by its field), the `visit_record`
// create mutation queued in the outbox, and where each visit's record stands in the outbox.
// Plain functions of plain data (no IndexedDB, no DOM): `node --test` holds them
// (pwa/test/visits.test.js); inspections.js draws the form and the signature pad.
import { ATTENTION, DONE } from './filing.js';
import { chinaDay } from './rules.js';

export const RESULTS = ['compliant', 'violation', 'not_applicable'];
export const LIMITS = { findings: 8000, note: 2000, party_name: 100, party_refusal: 1000, party_signature: 120000 };
// The signature as sent: a PNG no larger than this (black strokes on white stay small).
export const SIGNATURE_MAX = { width: 600, height: 240 };

/** A new form for `visit`, dated today in China. `signature` is the pad's strokes in its own
 * CSS pixels ({ w, h, strokes: [[x, y, x, y, …], …] }): small to keep in a draft, drawn again
 * into the PNG when the record is saved. */
export function newVisitForm(visit, now = Date.now()) {
  return {
    day: chinaDay(now),
    results: visit.checklist.map(() => ({ result: 'compliant', note: '' })),
    findings: '',
    certificates_shown: false,
    party_present: null, // asked, never assumed: yes or no
    party_name: '',
    refused: false,
    party_refusal: '',
    signature: null,
    photos: [], // taken at the visit: queued with the record as its `visit_photo`s
  };
}

/** The form again from a record the server refused, so nothing typed is lost: every
 * answer as it was sent, for the officer to correct; the party signs again (what he signs
 * may change). Items are matched by matter and department, as the server matches them. */
export function formFromPayload(visit, payload, now = Date.now()) {
  const form = newVisitForm(visit, now);
  const sent = new Map((payload.items || []).map((i) => [`${i.matter_code}|${i.department}`, i]));
  return {
    ...form,
    day: payload.done_on || form.day,
    results: visit.checklist.map((item) => {
      const i = sent.get(`${item.matter_code}|${item.department}`);
      return i ? { result: RESULTS.includes(i.result) ? i.result : 'compliant', note: i.note || '' } : { result: 'compliant', note: '' };
    }),
    findings: payload.findings || '',
    certificates_shown: payload.certificates_shown === true,
    party_present: typeof payload.party_present === 'boolean' ? payload.party_present : null,
    party_name: payload.party_name || '',
    refused: !!payload.party_refusal,
    party_refusal: payload.party_refusal || '',
  };
}

/** Whether the pad holds a signature: some ink, not a tap. */
export function signed(signature) {
  return !!signature && (signature.strokes || []).some((s) => s.length >= 4);
}

/**
 * What the server would refuse in this form, as [field, key] pairs (the field as the record
 * names it, the key of the words that say why), in the order the form asks. `today` is
 * China's day; `me` the officer (his certificate must be valid on the day).
 */
export function visitProblems(visit, form, { today = chinaDay(Date.now()), me = null } = {}) {
  const out = [];
  // A list fetched by an older version of the app does not name the visit's unit: its
  // record would be refused. Fetched again online, it does.
  if (!visit.unit_code) out.push(['unit_code', 'visit_list_old']);
  const day = form.day || '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) out.push(['done_on', 'visit_need_day']);
  else if (day > today) out.push(['done_on', 'visit_day_future']);
  else if ((visit.period_start && day < visit.period_start) || (visit.period_end && day > visit.period_end))
    out.push(['done_on', 'visit_day_outside']);
  else if (
    me &&
    ((me.certificate_valid_from && day < me.certificate_valid_from) || (me.certificate_valid_until && day > me.certificate_valid_until))
  )
    out.push(['done_on', 'visit_certificate_day']);
  form.results.forEach((r, i) => {
    if (!RESULTS.includes(r.result)) out.push([`items.${i}.result`, 'visit_need_result']);
    if ((r.note || '').trim().length > LIMITS.note) out.push([`items.${i}.note`, 'too_long']);
  });
  if (form.findings.trim().length > LIMITS.findings) out.push(['findings', 'too_long']);
  if (!form.certificates_shown) out.push(['certificates_shown', 'visit_need_certificates']);
  if (form.party_present !== true && form.party_present !== false) out.push(['party_present', 'visit_need_party_present']);
  if (form.party_present === true) {
    const name = form.party_name.trim();
    if (!name) out.push(['party_name', 'visit_need_party_name']);
    else if (name.length > LIMITS.party_name) out.push(['party_name', 'too_long']);
    if (form.refused) {
      const why = form.party_refusal.trim();
      if (!why) out.push(['party_refusal', 'visit_need_refusal']);
      else if (why.length > LIMITS.party_refusal) out.push(['party_refusal', 'too_long']);
    } else if (!signed(form.signature)) {
      out.push(['party_signature', 'visit_need_signature']);
    }
  }
  return out;
}

/** The PNG's size for a pad of w × h CSS pixels: its shape kept, within SIGNATURE_MAX. */
export function exportSize(w, h, max = SIGNATURE_MAX) {
  const scale = Math.min(max.width / w, max.height / h);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)), scale };
}

/** Whether a signature as exported is one the server takes: a PNG data URL, not too long. */
export function signatureProblem(dataUrl) {
  if (!dataUrl || !dataUrl.startsWith('data:image/png;base64,')) return 'visit_need_signature';
  return dataUrl.length > LIMITS.party_signature ? 'visit_signature_too_big' : null;
}

/**
 * The payload of the `visit_record` create, as the contract has it: one item per checklist
 * item in its order, blanks left out, the party's signature (`signatureUrl`, the PNG data
 * URL) or his refusal only when he is present. `fix` is the phone's position if it has one.
 */
export function visitPayload(visit, form, { signatureUrl = null, fix = null } = {}) {
  const payload = {
    visit_id: visit.id,
    unit_code: visit.unit_code,
    done_on: form.day,
    items: visit.checklist.map((item, i) => {
      const out = { matter_code: item.matter_code, department: item.department, result: form.results[i].result };
      const note = (form.results[i].note || '').trim();
      if (note) out.note = note;
      return out;
    }),
    certificates_shown: true,
    party_present: form.party_present === true,
  };
  const findings = form.findings.trim();
  if (findings) payload.findings = findings;
  if (form.party_present === true) {
    payload.party_name = form.party_name.trim();
    if (form.refused) payload.party_refusal = form.party_refusal.trim();
    else payload.party_signature = signatureUrl;
  }
  if (fix && Number.isFinite(fix.lat) && Number.isFinite(fix.lng) && fix.accuracy_m > 0) {
    payload.location = { lat: fix.lat, lng: fix.lng, accuracy_m: fix.accuracy_m, fix_time: fix.fix_time };
  }
  return payload;
}

/** The outbox mutation that records the visit (no parent: the visit is the server's). */
export function visitMutation(payload, recordId = crypto.randomUUID()) {
  return { record_type: 'visit_record', record_id: recordId, op: 'create', payload };
}

/** The items found in violation, each with its checklist entry and what was noted. */
export function violations(visit, form) {
  return visit.checklist.map((item, i) => ({ ...item, ...form.results[i] })).filter((item) => item.result === 'violation');
}

/**
 * Where each visit's record stands, from the outbox entries of this user: visit id → the
 * newest entry of a `visit_record` for it, and what that means for the screen:
 * - 'queued': on the phone or being sent (no record button: it is recorded);
 * - 'sent': the server took it (applied; the pull will drop the visit from the list);
 * - 'taken': the other drawn officer recorded the visit first (reason `visit_done`): the
 *   server keeps this record aside, nothing more to do here;
 * - 'refused': the server refused it (ATTENTION, or a refusal read and acknowledged): the
 *   visit can be recorded again.
 */
export function visitStates(entries, userId) {
  const newest = new Map();
  for (const e of entries) {
    const m = e.mutation;
    if (!m || m.record_type !== 'visit_record' || e.user_id !== userId || !m.payload) continue;
    const id = m.payload.visit_id;
    const seen = newest.get(id);
    if (!seen || e.seq > seen.seq) newest.set(id, e);
  }
  const out = new Map();
  for (const [id, e] of newest) out.set(id, { state: recordState(e), entry: e });
  return out;
}

function recordState(e) {
  const r = e.result;
  if (r && (r.reason === 'visit_done' || r.outcome === 'conflict')) return 'taken';
  if (e.state === ATTENTION || (r && r.outcome === 'rejected')) return 'refused';
  if (e.state === DONE) return 'sent';
  return 'queued'; // pending, sending, or held by the server for something it waits on
}
