// Documents made on site, offline (离线出具, issue 22). The server is the only one who counts:
// while online the phone holds a few numbers (文号) and act codes it reserved for it
// (POST /documents/reservations, topped up at each sync). Offline, a document is composed
// from what the phone holds with documents.js, shown and printed; the exact HTML printed and
// its SHA-256 wait here until the sync sends them (POST /cases/<id>/offline-documents). The
// server keeps that copy as evidence and issues the sealed document under the same number,
// which then takes the offline copy's place in the case's list.
import { ApiError, Offline } from './api.js';
import { getMeta, hasMeta, setMeta } from './db.js';
import { documentData, placeOf, preservedItems } from './document-data.js';
import { compose, documentHtml } from './documents.js';
import { changed } from './outbox.js';
import { authed, authedBlob } from './session.js';

const RESERVE = 'doc_reservations';
const COPIES = 'offline_documents';
// The inspection records this phone recorded under a reserved act code: record id → the
// reservation it took (its act code is the record's; its number the 现场检查笔录's).
const TAKEN = 'inspection_act_codes';
export const PAPERS = ['80mm', 'A4'];

/** The paper this phone prints on: a setting of the device, remembered. */
export async function paper() {
  return (await getMeta('print_paper')) || '80mm';
}
export async function setPaper(value) {
  await setMeta('print_paper', value);
  changed();
}

/** The copies this phone printed for a case (or all), oldest first. */
export async function copies(caseId = null) {
  const all = await getMeta(COPIES, []);
  return caseId ? all.filter((c) => c.case_id === caseId) : all;
}

/** The numbers held for `kind`, in the order the server counted them. */
export async function reserved(kind) {
  return (await getMeta(RESERVE, [])).filter((r) => r.kind === kind);
}

function chinaStamp(ms) {
  return new Date(ms + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');
}

// The kinds that name the officers of the case's last inspection record by the day their
// step records (server.cases.documents._officers_on): who was there.
const BY_INSPECTION = { correction_order: 'correction_ordered_on', preservation_notice: 'preserved_on' };

function lastInspection(rec, inspections, kind) {
  const day = rec[BY_INSPECTION[kind]];
  return [...inspections].filter((i) => (i.started_at || '').slice(0, 10) <= day).pop();
}

/** The reservation an inspection record recorded on this phone took, or null. */
export async function takenBy(inspectionId) {
  return (await getMeta(TAKEN, {}))[inspectionId] || null;
}

/** An inspection record recorded now takes the next act code reserved for inspection
 * records (the server gives the record that code at push, server.sync_api.store): its
 * 现场检查笔录 can then be printed here, offline, under the code the record will carry.
 * Answers the payload with `act_code`, or as it was when the phone holds none. */
export function withActCode(inspectionId, payload) {
  return alone(async () => {
    const held = await getMeta(RESERVE, []);
    const r = held.find((x) => x.kind === 'inspection_record');
    if (!r) return payload;
    await setMeta(TAKEN, { ...(await getMeta(TAKEN, {})), [inspectionId]: r });
    await setMeta(
      RESERVE,
      held.filter((x) => x.id !== r.id),
    );
    return { ...payload, act_code: r.act_code };
  });
}

/** Why the phone cannot make `kind` offline from what it holds, or null. `spec` is the
 * case's document declaration (the workflow's: `offline`, `awaiting`); `clue` the case's
 * clue as the phone holds it (where the decision was made: placeOf). */
export function offlineWaits(kind, spec, rec, inspections, clue = null, taken = null) {
  if (!spec.offline) return 'online_only';
  // An inspection record prints offline under the act code it took when recorded here.
  if (kind === 'inspection_record') return taken ? null : 'not_reserved';
  if (BY_INSPECTION[kind]) {
    const last = lastInspection(rec, inspections, kind);
    if (!last) return 'no_inspection';
    if (last.local || last.status !== 'complete') return 'inspection_unconfirmed';
  }
  if (kind === 'preservation_notice') {
    // What the notice attests and states (server.documents.kinds): the server would refuse
    // the sealed one without them, so the paper is not handed over without them either.
    if (rec.preservation_approved !== true) return 'not_approved';
    if (!rec.preservation_place) return 'no_storage_place';
    if (preservedItems(rec.preserved_items || '').some((i) => !i.quantity)) return 'item_quantity';
  }
  // Art. 42: printed as made by two once the second officer has confirmed (the server's
  // rule, sync.cases.on_spot_presence_art_42; the pulled case names whom it awaits).
  if (spec.awaiting && (rec[spec.awaiting] || []).length) return 'awaiting_confirmation';
  if (kind === 'summary_decision' && !placeOf(clue)) return 'no_place';
  return null;
}

/** What sync.documents.data takes besides the case's fields, from the phone's records
 * (document-data.js); the server's settings come with the reserved number (makeOffline). */
export function offlineContext(kind, rec, { matter, inspections, people, clue, labels, signing, inspection, photos, signatureSha }) {
  const officer = (id) => {
    const p = people.find((x) => x.id === id) || {};
    return { name: p.display_name, certificate_no: p.certificate_no };
  };
  if (kind === 'inspection_record') {
    // The photos the phone holds for the case's clue, by the hash it took at capture: once
    // sent, the server's list is the same (sync.documents.data.inspection_evidence).
    // The refusal the record itself notes stands (art. 55); else what the officer chose.
    const refused = inspection.party_refusal;
    return {
      party: rec.party || {},
      officers: inspection.officers.map(officer),
      photos: photos.map((e) => ({
        captured_at: e.captured_at,
        note: e.note ?? null,
        sha256: e.original ? e.original.sha256 : e.copy ? e.copy.sha256 : null,
        author_id: e.author_id ?? e.reporter_id ?? null,
      })),
      signature_sha256: signatureSha || null,
      // Never signed on the paper by hand: the record bears his signature or the note of
      // his refusal (signsByHand).
      signing: partySigning({ refused: refused || (signing && signing.refused) || null }),
    };
  }
  let officers = [];
  if (BY_INSPECTION[kind]) {
    const last = lastInspection(rec, inspections, kind);
    officers = last ? last.officers.map(officer) : [];
  } else if (kind === 'summary_decision') {
    officers = (rec.on_spot_officers && rec.on_spot_officers.length ? rec.on_spot_officers : [rec.decided_by]).map(officer);
  }
  return {
    matter: {
      name: matter ? matter.name : null,
      legal_basis: matter ? matter.legal_basis : null,
      penalty_basis: matter ? matter.penalty_basis || null : null,
    },
    officers,
    labels,
    place: placeOf(clue),
    signing: partySigning(signing),
  };
}

/** The document of `kind` the server says it issued for the case (`issued`: its list,
 * GET /cases/<id>/documents), or null; an inspection record's by the record's own act code
 * (`code`), one per record. Once there is one, the case page offers neither 生成文书 nor
 * 离线出具 for it (a document is issued once): it opens that one. */
export function issuedFor(issued, kind, code = null) {
  return (issued || []).find((d) => d.kind === kind && (code === null || d.act_code === code)) || null;
}

/** The document of `kind` issued for one inspection record (`record`, as the phone holds
 * it), by the record's own act code; none for a record the server has not yet given one (one
 * recorded here, still queued: its code is only offered, `act_code`, until the push). */
export function issuedForRecord(issued, kind, record) {
  return record && record.code ? issuedFor(issued, kind, record.code) : null;
}

/** Whether the party may sign `kind`'s printed paper by hand (server.documents.kinds.
 * signs_by_hand): not the inspection record, a 笔录 that bears his signature or the note of
 * his refusal (行政处罚法 第五十五条), so the officer is asked only for the refusal's reason. */
export function signsByHand(kind) {
  return kind !== 'inspection_record';
}

/** What the paper prints for the party (server.cases.documents.case_data's `signing`):
 * `{refused: reason}` notes the refusal and its reason; `{paper: true}` leaves the box blank
 * for the party's ink; a signature captured on the phone goes to the server by its hash and
 * the paper, printed before, leaves the box blank as well. */
export function partySigning(choice = {}) {
  const refused = choice && choice.refused;
  return {
    party_signature: null,
    party_refusal: refused ? { reason: refused } : null,
    party_signs_paper: !refused && choice && choice.paper ? true : null,
  };
}

async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Make `kind` of the case offline under the next reserved number: its data from the
 * case's fields and `ctx` (offlineContext) with what the server sent with the number,
 * the phone's paper, hash, and queue the copy. Answers the queued copy, or throws
 * Error('no_reservation') when the phone holds no number for it. */
export function makeOffline(args) {
  return alone(() => printOn(args));
}

async function printOn({ rec, kind, ctx, spec, signature = null, now = Date.now(), inspection = null }) {
  const held = await getMeta(RESERVE, []);
  // An inspection record's number is the one its record took; another kind's, the next held.
  const r = inspection ? await takenBy(inspection.id) : held.find((x) => x.kind === kind);
  if (!r) throw new Error('no_reservation');
  const sent = { payment_bank: r.payment_bank, reconsideration_body: r.reconsideration_body, court: r.court };
  const data = documentData(kind, inspection || rec, { ...ctx, ...sent }, spec);
  const full = { agency: r.agency, doc_number: r.doc_number, act_code: r.act_code, generated_at: chinaStamp(now), ...data };
  const onPaper = await paper();
  const model = compose(kind, full, spec);
  const page = documentHtml(model, { paper: onPaper });
  const bytes = new TextEncoder().encode(page);
  const copy = {
    id: crypto.randomUUID(),
    case_id: rec.id,
    inspection_id: inspection ? inspection.id : null,
    reservation_id: r.id,
    kind,
    doc_number: r.doc_number,
    act_code: r.act_code,
    title: model.title,
    party_name: (data.party || {}).name,
    html: page,
    sha256: await sha256Hex(bytes),
    size: bytes.length,
    paper: onPaper,
    printed_at: new Date(now).toISOString(),
    party_refusal: data.party_refusal ? data.party_refusal.reason : null,
    party_signs_paper: data.party_signs_paper === true,
    // The party's signature captured on this phone (its PNG is evidence on the clue, by its
    // SHA-256): the server's sealed document carries it, as an online one would.
    party_signature: signature,
    state: 'pending',
    document: null,
    error: null,
  };
  // The number leaves the reserve as the copy is queued: never printed twice.
  await setMeta(
    RESERVE,
    held.filter((x) => x.id !== r.id),
  );
  await setMeta(COPIES, [...(await copies()), copy]);
  changed();
  return copy;
}

/** One writer at a time of the reserve and the copies, across the app's tabs (Web Locks):
 * a number is taken once however fast the taps, and a copy queued while the sync files
 * another's answer is never written over by that filing. */
function alone(fn) {
  return navigator.locks ? navigator.locks.request('fieldcase-offline-documents', fn) : fn();
}

/** The reserve the server sent, less the numbers this phone has printed on: an answer asked
 * for before a copy was queued still lists that copy's number as free, and a number is
 * printed on once. */
export function unused(reserve, printed, recorded = {}) {
  // …nor one an inspection record recorded here took (the server learns it at its push).
  const taken = new Set([...printed.map((c) => c.reservation_id), ...Object.values(recorded).map((r) => r.id)]);
  return reserve.filter((r) => !taken.has(r.id));
}

function update(id, patch) {
  return alone(async () => {
    const all = await copies();
    await setMeta(
      COPIES,
      all.map((c) => (c.id === id ? { ...c, ...patch } : c)),
    );
  });
}

/** Send the copies not yet answered; then, with none left waiting, top the reserve up (a
 * number is voided only once the phone has sent what it printed). Offline: stops quietly. */
export async function syncOffline() {
  for (const c of await copies()) {
    // A copy the server kept but could not issue from yet (`refused`) is sent again: its
    // replay issues it once the records allow. One it refused outright waits for a person.
    if (c.state !== 'pending' && c.state !== 'refused') continue;
    const body = {
      id: c.id,
      reservation_id: c.reservation_id,
      kind: c.kind,
      html: c.html,
      sha256: c.sha256,
      size: c.size,
      paper: c.paper,
      printed_at: c.printed_at,
    };
    if (c.party_refusal) body.party_refusal = c.party_refusal;
    if (c.party_signature) body.party_signature = c.party_signature;
    else if (c.party_signs_paper) body.party_signs_paper = true;
    if (c.inspection_id) body.inspection_id = c.inspection_id;
    try {
      const answer = await authed(`/cases/${c.case_id}/offline-documents`, { method: 'POST', body });
      if (answer.refused)
        await update(c.id, {
          state: 'refused',
          error: { message: answer.refused.error, fields: Object.keys(answer.refused.fields || {}) },
        });
      else await update(c.id, { state: 'done', document: answer.document, error: null });
    } catch (err) {
      if (err instanceof Offline) return;
      // A refusal (4xx) is kept, shown with its fields, never dropped: the party holds it.
      const fields = err instanceof ApiError && err.body && err.body.fields ? Object.keys(err.body.fields) : [];
      await update(c.id, {
        state: err instanceof ApiError && err.status < 500 ? 'attention' : 'pending',
        error: { message: err.message, fields },
      });
    }
  }
  if ((await copies()).some((c) => c.state === 'pending')) return;
  const fresh = await authed('/documents/reservations', { method: 'POST' });
  await alone(async () => setMeta(RESERVE, unused(fresh, await copies(), await getMeta(TAKEN, {}))));
  changed();
}

/** Show `page` in `frame` with its own styles: the app's policy (style-src 'self') refuses a
 * <style> in an srcdoc page, so the view is given the page without it and its text as a
 * constructed sheet (CSSOM, which the policy does not govern). The same rules apply to the
 * same elements: what prints is the page hashed. */
export function showIn(frame, page) {
  const styles = [];
  const bare = page.replace(/<style>([\s\S]*?)<\/style>/g, (_, css) => {
    styles.push(css);
    return '';
  });
  frame.addEventListener(
    'load',
    () => {
      const doc = frame.contentDocument;
      if (!doc || !doc.defaultView) return;
      const Sheet = doc.defaultView.CSSStyleSheet;
      doc.adoptedStyleSheets = styles.map((css) => {
        const sheet = new Sheet();
        sheet.replaceSync(css);
        return sheet;
      });
    },
    { once: true },
  );
  frame.srcdoc = bare;
}

/** A document the server issued, as the very bytes it archived (their SHA-256 is on the
 * record): kept on the phone, sealed like its photos, so that it opens and prints where
 * there is no network, the village where it is served. */
const pdfKey = (doc) => `pdf:${doc.id}`;

export async function issuedPdf(doc) {
  const held = await getMeta(pdfKey(doc));
  if (held) return held;
  const blob = await authedBlob(`/documents/${doc.id}.pdf`);
  await setMeta(pdfKey(doc), blob);
  return blob;
}

/** Each issued document not yet on the phone, fetched and kept (one at a time: a bad
 * network carries the list first). */
export async function keepIssued(docs, live) {
  for (const doc of docs) {
    if (!live() || (await hasMeta(pdfKey(doc)))) continue;
    await issuedPdf(doc);
  }
}
