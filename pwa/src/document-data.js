// A document's data from the records as the phone holds them: the copy of
// sync/documents/data.py (one pure function per kind made offline, over the case's fields and
// a small context), held to it by the vectors of tests/vectors (`document_data`). What is
// not on the case comes in `ctx`: the matter (its name, bases), the officers named ({name, certificate_no}),
// the penalty kinds' labels, where a fine is paid and the bodies of appeal (sent by the
// server with the reserved number), the place and the party's signing.
import { phrase } from './documents.js';

const CONFISCATIONS = ['confiscate_gains', 'confiscate_property'];

/** Python's truth (sync.documents.truthy): not null, false, 0, '', [] or {}. */
function held(v) {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

export function partyOf(f) {
  return Object.fromEntries(Object.entries(f.party || {}).filter(([, v]) => held(v)));
}

/** Where a case is: its clue's address, else its unit's name (sync.documents.data.place_of). */
export function placeOf(clue) {
  return (clue && (clue.address || clue.unit_name)) || null;
}

/** The penalties a document prints, one line each (sync.documents.data.penalty_lines). */
export function penaltyLines(labels, penalties, spec) {
  const printed = {};
  for (const p of penalties) {
    if (p.kind === 'warning') printed.warning = true;
    else if (p.kind === 'fine') printed.fine_fen = p.amount_fen;
    else if (CONFISCATIONS.includes(p.kind)) printed.confiscation = phrase('confiscation', p, spec);
    else printed.other = [printed.other, labels[p.kind] || p.kind].filter(Boolean).join('；');
  }
  return printed;
}

/** 陈述、申辩及采纳情况 (sync.documents.data.statement_text). */
export function statementText(f, spec) {
  const notice = f.notified_on || f.decided_on;
  const answers = (f.statements || []).filter((s) => s.notice_on === notice);
  const heard = f.hearing_waived ? null : (f.heard_on ?? null);
  const values = { answers, heard_on: heard, statement_days: f.statement_days ?? null };
  return phrase('statement', values, spec) || null;
}

function correctionOrder(f, ctx) {
  return {
    party: partyOf(f),
    facts: f.facts,
    legal_basis: ctx.matter.legal_basis,
    correction: f.correction_requirements,
    deadline: f.correct_by,
    issued_on: f.correction_ordered_on,
    officers: [...ctx.officers],
    ...ctx.signing,
  };
}

// Python's whitespace (str.isspace, re's \s on text) and line breaks (str.splitlines),
// spelled out: JS's \s and trim() differ from them at the edges (\x1c-\x1f, \x85, \ufeff).
const WS = '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
// eslint-disable-next-line no-control-regex -- Python's str.splitlines breaks at \x1c-\x1e too
const LINES = /\r\n|[\n\v\f\r\x1c-\x1e\x85\u2028\u2029]/u;
const STRIP = new RegExp(`^[${WS}]+|[${WS}]+$`, 'gu');
const MEASURE = ['千克', '公斤', '立方米', '平方米', ...'米吨斤升个件套台辆袋桶箱包张把块根条只瓶盒批堆捆部份'].join('|');
// sync.documents.data._ITEM: Python's \d is any Unicode digit (\p{Nd}).
const ITEM = new RegExp(
  `^(?<name>.*?[^${WS}\\p{Nd}.])[${WS}，,、：:×*]*` +
    `(?<quantity>约?(?:\\p{Nd}+(?:\\.\\p{Nd}+)?[^${WS}\\p{Nd}]{0,3}|[一二两三四五六七八九十百千万]+(?:${MEASURE})))$`,
  'u',
);

/** The items of a preservation, one a line, its quantity last (sync.documents.data.preserved_items). */
export function preservedItems(text) {
  const lines = text
    .split(LINES)
    .map((line) => line.replace(STRIP, ''))
    .filter(Boolean);
  return lines.map((line) => {
    const m = ITEM.exec(line);
    return m ? { name: m.groups.name, quantity: m.groups.quantity } : { name: line };
  });
}

function preservationNotice(f, ctx, spec) {
  const party = partyOf(f);
  return {
    party,
    reason: phrase('suspected', { party, matter: ctx.matter.name }, spec),
    items: preservedItems(f.preserved_items),
    storage_place: f.preservation_place ?? null,
    approved: f.preservation_approved ?? null,
    officers: [...ctx.officers],
    issued_on: f.preserved_on,
    ...ctx.signing,
  };
}

function summaryDecision(f, ctx, spec) {
  return {
    party: partyOf(f),
    violation: f.facts,
    legal_basis: ctx.matter.penalty_basis || ctx.matter.legal_basis,
    penalty: penaltyLines(ctx.labels, [f.penalty, ...(f.additional_penalties || [])], spec),
    payment: { bank: ctx.payment_bank },
    decided_at: f.decided_on,
    statement: statementText(f, spec),
    place: ctx.place,
    officers: [...ctx.officers],
    certificates_shown: f.certificate_shown === true,
    reconsideration_body: ctx.reconsideration_body,
    court: ctx.court,
    ...ctx.signing,
  };
}

// A photo is an inspection's when taken during it, widened by a phone clock's slack (R9).
const CAPTURE_SLACK_MS = 10 * 60e3;
const CHINA_MS = 8 * 3600e3; // UTC+8, no summer time

/** An instant as China's ISO time, as Python's isoformat prints it (sync.documents.data.china_iso):
 * seconds always, a fraction only when there is one, in six digits. */
export function chinaIso(iso) {
  const ms = Date.parse(iso);
  const s = new Date(ms + CHINA_MS).toISOString(); // 2026-03-14T09:35:00.000Z, in China's time
  const frac = ms % 1000 === 0 ? '' : `.${s.slice(20, 23)}000`;
  return `${s.slice(0, 19)}${frac}+08:00`;
}

/** An instant to the minute in China's time (sync.documents.data.china_minute). */
export function chinaMinute(iso) {
  return new Date(Date.parse(iso) + CHINA_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** 现场照片及其他证据 of an inspection record (sync.documents.data.inspection_evidence). */
export function inspectionEvidence(f, ctx, spec) {
  const start = Date.parse(f.started_at) - CAPTURE_SLACK_MS;
  const end = Date.parse(f.ended_at) + CAPTURE_SLACK_MS;
  const signature = ctx.signature_sha256 || null;
  const photos = [...(ctx.photos || [])].sort((a, b) => Date.parse(a.captured_at) - Date.parse(b.captured_at));
  const items = [];
  for (const p of photos) {
    const at = chinaIso(p.captured_at);
    const sha = p.sha256 ?? null;
    const when = Date.parse(p.captured_at);
    if (signature && sha === signature) items.push({ label: phrase('signature_item', {}, spec), captured_at: at, sha256: sha });
    else if (f.officers.includes(p.author_id) && start <= when && when <= end) {
      const label = phrase('photo_item', { note: p.note ?? null, received: sha !== null }, spec);
      items.push({ label, captured_at: at, sha256: sha });
    }
  }
  return items;
}

function inspectionRecord(f, ctx, spec) {
  return {
    started_at: chinaMinute(f.started_at),
    ended_at: chinaMinute(f.ended_at),
    place: f.place,
    party: partyOf({ party: ctx.party }),
    officers: [...ctx.officers],
    findings: f.findings,
    certificates_shown: f.certificates_shown,
    evidence: inspectionEvidence(f, ctx, spec),
    ...ctx.signing,
  };
}

const BUILDERS = {
  correction_order: correctionOrder,
  preservation_notice: preservationNotice,
  summary_decision: summaryDecision,
  inspection_record: inspectionRecord,
};

/** The data of `kind` from the case's fields `f` and `ctx`; `spec` is the documents'
 * declarations (workflow.documents), whose phrases word the statement and penalties. */
export function documentData(kind, f, ctx, spec) {
  return BUILDERS[kind](f, ctx, spec);
}
