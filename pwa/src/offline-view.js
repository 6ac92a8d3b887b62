// The case page's part of 离线出具 (offline-docs.js): per document kind, the button that
// makes it from the phone's records, the copy queued (to view and print again) until the
// server's sealed document takes its place, or why the kind is not made offline; and the
// paper this phone prints on.
import { useEffect, useRef, useState } from 'preact/hooks';
import { getMeta } from './db.js';
import { t } from './i18n.js';
import { getRecord, onChange, overlaid } from './outbox.js';
import {
  PAPERS,
  copies,
  issuedPdf,
  makeOffline,
  offlineContext,
  offlineWaits,
  paper,
  reserved,
  setPaper,
  showIn,
  signsByHand,
  syncOffline,
  takenBy,
} from './offline-docs.js';
import { Field, html } from './ui.js';

function useOffline(caseId, kind, inspectionId = null) {
  const [state, setState] = useState({ copy: null, left: 0, paper: null, taken: null });
  useEffect(() => {
    let live = true;
    const load = async () => {
      const mine = (await copies(caseId)).filter((c) => c.kind === kind && (c.inspection_id || null) === inspectionId);
      // An inspection record's number is the one it took when recorded here (or none).
      const taken = inspectionId ? await takenBy(inspectionId) : null;
      const left = inspectionId ? (taken ? 1 : 0) : (await reserved(kind)).length;
      const next = { copy: mine[mine.length - 1] || null, left, paper: await paper(), taken };
      if (live) setState(next);
    };
    load();
    const off = onChange(load);
    return () => {
      live = false;
      off();
    };
  }, [caseId, kind, inspectionId]);
  return state;
}

/** The printable view of a copy: the exact HTML queued, and 「打印」 (the phone's print
 * service: a portable printer, 80 mm or A4). */
export function PrintView({ copy, onClose }) {
  const frame = useRef(null);
  useEffect(() => {
    if (frame.current) showIn(frame.current, copy.html);
  }, [copy.id]);
  return html`<div class="print-view" role="dialog" aria-label=${copy.title} data-offline-view=${copy.id}>
    <div class="print-bar">
      <button type="button" class="big" data-print onClick=${() => frame.current.contentWindow.print()}>${t('print')}</button>
      <button type="button" class="secondary" data-print-close onClick=${onClose}>${t('close')}</button>
    </div>
    <iframe ref=${frame} class="print-frame" title=${copy.title} data-offline-frame></iframe>
  </div>`;
}

/** What the party did with the paper when the phone captured no signature: signed it by
 * hand, or refused (with its reason); only the refusal where the kind admits no signing by
 * hand (signsByHand: the inspection record). The words are the documents' declarations
 * (`party_signing`), as the paper and the sealed document print them. */
function PartySigning({ kind, words, busy, onCancel, onMake }) {
  const choices = signsByHand(kind) ? ['paper', 'refused'] : ['refused'];
  const [how, setHow] = useState(choices[0]);
  const [reason, setReason] = useState('');
  const refused = how === 'refused';
  return html`<div class="party-signing" data-party-signing=${kind}>
    <p class="label">${t('party_signing_title')}</p>
    <p class="hint">${t(choices.length > 1 ? 'party_signing_hint' : 'party_signing_hint_one')}</p>
    ${
      choices.length > 1
        ? choices.map(
            (v) =>
              html`<label class="radio"><input type="radio" name=${`party_signing_${kind}`} value=${v} checked=${how === v} onChange=${() => setHow(v)} /> ${words[v]}</label>`,
          )
        : html`<p class="only-choice" data-only-choice=${how}>${words[how]}</p>`
    }
    ${
      refused
        ? html`<${Field} label=${`${words.reason} *`}>
          <textarea name="refusal_reason" rows="2" maxlength="500" required value=${reason} onInput=${(e) => setReason(e.currentTarget.value)} /></${Field}>`
        : null
    }
    <div class="actions">
      <button type="button" class="secondary" onClick=${onCancel}>${t('cancel')}</button>
      <button type="button" class="primary" data-confirm-offline=${kind} disabled=${busy || (refused && !reason.trim())}
        onClick=${() => onMake(refused ? { refused: reason.trim() } : { paper: true })}>${t('issue_offline_confirm')}</button>
    </div>
  </div>`;
}

/** 离线出具 for one kind of a case's documents, inside its row (`spec` the case's declaration of
 * the kind, `declarations` the documents' wording, `workflow.documents`); `online` is the row's
 * button that issues it online, offered only while no copy was printed offline (a second
 * number for a paper the party already holds would be voided at once). `issued`: the
 * document of this kind the server says it issued for the case (its list, as last read):
 * once there is one, neither is offered, only the document itself (`openIssued`). */
export function OfflineRow({
  rec,
  kind,
  spec,
  declarations,
  inspections,
  people,
  matters,
  labels,
  toast,
  onSealed,
  online,
  inspection = null,
  workflow = null,
  me = null,
  issued = null,
  openIssued = null,
}) {
  const { copy, left, taken } = useOffline(rec.id, kind, inspection ? inspection.id : null);
  const [viewing, setViewing] = useState(null);
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const [clue, setClue] = useState(null);
  useEffect(() => {
    if (rec.clue_id) getRecord('clue', rec.clue_id).then((c) => setClue(c ? c.data : null));
  }, [rec.clue_id]);
  const why = offlineWaits(kind, spec, rec, inspections, clue, taken);
  async function start() {
    // A signature captured on the phone goes with the copy, as does the refusal an
    // inspection record notes itself; else the officer says what the party did.
    if ((await getMeta(`signature:${rec.id}`)) || (inspection && inspection.party_refusal)) make({});
    else setAsking(true);
  }
  async function make(choice) {
    setBusy(true);
    try {
      const matter = matters.find((m) => m.code === rec.matter_code);
      const signature = (await getMeta(`signature:${rec.id}`)) || null;
      // An inspection record lists the photos the phone holds for the case's clue (sent or
      // still queued), the excluded aside, as the server lists those it holds.
      const photos = inspection
        ? (await overlaid('evidence', workflow, me)).filter((e) => (e.clue_id || e.parent_id) === rec.clue_id && e.status !== 'excluded')
        : [];
      const ctx = offlineContext(kind, rec, {
        matter,
        inspections,
        people,
        clue,
        labels,
        signing: choice,
        inspection,
        photos,
        signatureSha: signature,
      });
      setViewing(await makeOffline({ rec, kind, ctx, spec: declarations, signature, inspection }));
      setAsking(false);
      if (navigator.onLine) syncOffline().catch(() => {});
    } catch (err) {
      toast(err.message === 'no_reservation' ? t('offline_no_number') : err.message);
    } finally {
      setBusy(false);
    }
  }
  async function openSealed() {
    onSealed(URL.createObjectURL(await issuedPdf(copy.document)), copy.document);
  }
  if (copy && copy.document) {
    // The server's sealed document, under the same number, in the offline copy's place.
    return html`<span class="meta" data-offline-sealed=${copy.document.doc_number}>${t('offline_sealed', { n: copy.document.doc_number })}</span>
      <button type="button" class="big" data-open-sealed=${kind} onClick=${openSealed}>${t('open_document', { n: copy.document.doc_number })}</button>`;
  }
  if (issued && !copy) {
    // Issued already (online, or sealed from a copy another phone printed): nothing is left
    // to make, only the document to open.
    return html`<span class="meta" data-issued-already=${issued.doc_number}>${t('issued_already', { n: issued.doc_number })}</span>
      <button type="button" class="big" data-open-issued=${kind} onClick=${openIssued}>${t('open_document', { n: issued.doc_number })}</button>`;
  }
  return html`
    ${copy ? null : online}
    ${
      copy
        ? html`<span class="meta" data-offline-copy=${copy.doc_number}>${copy.error ? t(copy.state === 'refused' ? 'offline_kept' : 'offline_refused', { n: copy.doc_number, fields: (copy.error.fields || []).join('、') }) : t('offline_pending', { n: copy.doc_number })}</span>
        <button type="button" class="big" data-view-offline=${kind} onClick=${() => setViewing(copy)}>${t('view_print')}</button>`
        : why
          ? html`<span class="meta" data-offline-why=${why}>${t(`offline_why_${why}`)}</span>`
          : html`<button type="button" class="big" data-issue-offline=${kind} disabled=${busy || asking || !left} onClick=${start}>${left ? t('issue_offline', { n: left }) : t('offline_no_number')}</button>`
    }
    ${asking && !copy ? html`<${PartySigning} kind=${kind} words=${declarations.party_signing} busy=${busy} onCancel=${() => setAsking(false)} onMake=${make} />` : null}
    ${viewing ? html`<${PrintView} copy=${viewing} onClose=${() => setViewing(null)} />` : null}`;
}

/** The paper this phone prints on: remembered on the device. */
export function PaperSetting() {
  const [value, setValue] = useState(null);
  useEffect(() => {
    paper().then(setValue);
  }, []);
  if (!value) return null;
  return html`<label class="paper">${t('print_paper')}
    <select name="print_paper" value=${value} onChange=${(e) => {
      setValue(e.currentTarget.value);
      setPaper(e.currentTarget.value);
    }}>
      ${PAPERS.map((p) => html`<option value=${p}>${t(`paper_${p}`)}</option>`)}
    </select></label>`;
}
