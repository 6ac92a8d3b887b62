// Cases (案件) on the phone: the list of the township's cases, one case with its clocks, the
// steps the workflow offers this person now, an inspection record, and the documents to
// print. Which step, who, from where, with what: all read from the workflow the server
// declared; the law's checks (two certified officers, the prior notice, the 90 days) run on
// the server, and a refusal comes back to the outbox in plain words.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, Offline } from './api.js';
import { getMeta, setMeta } from './db.js';
import { L, t, when } from './i18n.js';
import * as box from './outbox.js';
import { ConsentForm, EService } from './eservice.js';
import { PartyQr } from './party-copy.js';
import { OfflineRow, PaperSetting } from './offline-view.js';
import { issuedFor, issuedForRecord, issuedPdf, keepIssued, withActCode } from './offline-docs.js';
import { PhotoPicker, photoRecords } from './screens.js';
import { authed, authedBlob } from './session.js';
import { useOpened } from './seen.js';
import { awaitedStep, clock, daysTo, documentWaits, may } from './rules.js';
import { ArgsForm, Field, StateChip, argsComplete, argsValues, fenToYuan, html, saveBlob, savedText, today } from './ui.js';
import { useApp } from './app.js';

// The rules the screens apply offline (who may, where a clock stands) are copies of the
// server's, kept in rules.js and checked against vectors made from the Python code.
export { clock, may };

export function useRecords(type, workflow, me, version) {
  const [rows, setRows] = useState(null);
  useEffect(() => {
    box.overlaid(type, workflow, me).then(setRows);
  }, [version]);
  return rows;
}

/** The steps this person may take on the record now; the one the record waits for
 * (``awaitedStep``, from the workflow's `awaits`) first. */
export function offered(workflow, type, rec, me) {
  const spec = workflow.records[type];
  const next = awaitedStep(spec.awaits, rec);
  return Object.entries(spec.transitions)
    .filter(
      ([name, s]) =>
        s.from.includes(rec.status) &&
        may(s.who, rec, me, spec.addressed) &&
        !(s.once && rec[s.once] != null) &&
        !(s.after && !rec[s.after]) &&
        !(s.once_each && (rec.queued || []).includes(name)) &&
        !(s.procedure && s.procedure !== rec.procedure) &&
        !(s.until && rec[s.until] != null),
    )
    .sort(([a], [b]) => (b === next) - (a === next));
}

// Who works at a desk: the command room, and a county department answering what is
// addressed to it; the console is theirs (console.js).
const SUPERVISING = ['dispatcher', 'leader', 'reviewer', 'admin', 'department'];

export function supervisor(me) {
  return SUPERVISING.some((r) => me.roles.includes(r));
}

export function staff(me) {
  return ['officer', 'leader', 'reviewer'].some((r) => me.roles.includes(r));
}

function matterName(matters, code) {
  const m = matters.find((x) => x.code === code);
  return m ? m.name : code;
}

/** Days left on a due day; amber within the warning the workflow declares for that clock,
 * red past it. A day that is not the team's deadline (the party's hearing window) is only
 * counted down. */
function DueChip({ spec, field, rec }) {
  const raw = daysTo(rec[field], Date.now());
  if (raw == null) return null;
  const left = Math.round(raw);
  const c = spec.clocks[field];
  const cls = !c ? '' : left < 0 ? 'overdue' : left <= Math.max(...c.warn_days) ? 'soon' : '';
  return html`<strong class=${`due ${cls}`} data-days-left=${left}>
    ${left >= 0 ? t('days_left', { n: left }) : c ? t('overdue') : t('period_over')}</strong><${Estimated} rec=${rec} field=${field} />`;
}

/** A due day counted on weekends alone, its year's working calendar not yet published (the
 * server names them in calendar_estimated): the day may move once it is. */
export function Estimated({ rec, field }) {
  if (!(rec.calendar_estimated || []).includes(field)) return null;
  return html` <span class="chip" data-estimated=${field} title=${t('due_estimated_hint')}>${t('due_estimated')}</span>`;
}

function nameOf(people, id) {
  return ((people || []).find((p) => p.id === id) || {}).display_name || String(id);
}

/** Art. 42: the records the server says still await this officer's own confirmation that he
 * was there (``awaiting_confirmation`` in the pulled record; never worked out here), less
 * those he has confirmed in the outbox. */
export function awaitingMe(inspections, me) {
  return (inspections || []).filter((i) => !i.local && (i.awaiting_confirmation || []).includes(me.id));
}

/** Who an inspection record still awaits, as its author sees it: 「待 X 确认」. */
function PresenceChip({ i, me, people }) {
  const awaiting = i.awaiting_confirmation || [];
  if (i.status === 'complete') return html`<span class="chip st-done" data-presence="complete">${t('presence_complete')}</span>`;
  if (!awaiting.length) return null;
  const names = awaiting.map((o) => (o === me.id ? t('presence_you') : nameOf(people, o))).join('、');
  return html`<span class="chip st-attention" data-presence="awaiting">${t('presence_awaiting', { names })}</span>`;
}

/** Whom an on-the-spot decision still awaits (art. 42: ``on_spot_awaiting`` in the pulled
 * case, never worked out here). */
function OnSpotChip({ rec, me, people }) {
  if (!rec.on_spot_officers || rec.on_spot_awaiting == null) return null;
  const awaiting = rec.on_spot_awaiting;
  if (!awaiting.length) return html` <span class="chip st-done" data-on-spot="complete">${t('presence_complete')}</span>`;
  return html` <span class="chip st-attention" data-on-spot="awaiting">${awaitingText(awaiting, me, people)}</span>`;
}

/** 「待 X 确认」, naming this person 「您」. */
function awaitingText(awaiting, me, people) {
  return t('presence_awaiting', { names: awaiting.map((o) => (o === me.id ? t('presence_you') : nameOf(people, o))).join('、') });
}

/** The record as the named officer reads it before he confirms, and one big button: the
 * confirmation goes to the outbox like every record, offline or not. */
function ConfirmPresence({ i, me, people, toast }) {
  async function confirm() {
    const step = { name: 'confirm_presence', args: {} };
    await box.record(me.id, [
      { record_type: 'inspection', record_id: i.id, op: 'transition', base_version: i.version || null, payload: step },
    ]);
    toast(savedText());
  }
  return html`<section class="box presence" data-confirm-inspection=${i.id}>
    <h2>${t('presence_awaiting_you')}</h2>
    <p>${t('presence_you_named', { author: nameOf(people, i.author_id) })}</p>
    <dl class="facts">
      <dt>${t('presence_time')}</dt><dd>${when(i.started_at)} – ${when(i.ended_at)}</dd>
      <dt>${t('place')}</dt><dd>${i.place}</dd>
      <dt>${t('presence_officers')}</dt><dd>${(i.officers || []).map((o) => nameOf(people, o)).join('、')}</dd>
      <dt>${t('findings')}</dt><dd class="findings">${i.findings}</dd>
    </dl>
    <button type="button" class="primary big" data-action="confirm-presence" onClick=${confirm}>${t('presence_confirm')}</button>
  </section>`;
}

export function Cases() {
  const { me, workflow, matters, version } = useApp();
  const rows = useRecords('case', workflow, me, version);
  useOpened('cases', me, workflow, version);
  const inspections = useRecords('inspection', workflow, me, version);
  if (!rows || !inspections) return null;
  const toConfirm = awaitingMe(inspections, me);
  const spec = workflow.records.case;
  const open = rows.filter((r) => !spec.closed.includes(r.status));
  const mine = (r) => offered(workflow, 'case', r, me).length > 0;
  open.sort((a, b) => Number(mine(b)) - Number(mine(a)) || (a.decision_due || '9').localeCompare(b.decision_due || '9'));
  return html`<main>
    <h1>${t('cases')}</h1>
    ${
      toConfirm.length
        ? html`<section class="box presence-list"><h2>${t('presence_awaiting_you')}</h2>
      <ul class="list">${toConfirm.map(
        (i) => html`<li><a class="row" href=${`#/case/${i.case_id}`} data-awaits-me=${i.id}>
        <span class="title">${i.code || i.act_code || ''} ${when(i.started_at)}</span><span class="meta">${i.place}</span>
        <span class="chip st-attention">${t('presence_open_case')}</span></a></li>`,
      )}</ul></section>`
        : null
    }
    ${open.length === 0 ? html`<p>${t('no_cases')}</p>` : null}
    <ul class="list">${open.map(
      (r) => html`<li><a class="row" href=${`#/case/${r.id}`} data-case=${r.id}>
      <span class="title">${r.party ? r.party.name : ''} · ${matterName(matters, r.matter_code)}</span>
      <span class="meta">${r.code || ''} ${r.decision_due ? t('decision_due', { d: r.decision_due }) : ''} <${DueChip} spec=${spec} field="decision_due" rec=${r} /></span>
      <span class="chip st-status" data-status=${r.status}>${L(spec.statuses[r.status])}</span>
      ${r.local ? html`<${StateChip} state=${r.local} />` : mine(r) ? html`<span class="chip st-attention">${t('your_turn')}</span>` : null}
    </a></li>`,
    )}</ul>
  </main>`;
}

export function penaltyText(workflow, penalty) {
  if (!penalty) return '';
  const kinds = workflow.records.case.transitions.decide.args.penalty.properties.kind;
  const kind = L(kinds.labels[penalty.kind]) || penalty.kind;
  return penalty.amount_fen ? `${kind} ${fenToYuan(penalty.amount_fen)} ${t('yuan')}` : kind;
}

/** What the case knows, and the clocks that run on it. */
function CaseFacts({ rec, me, workflow, matters, people }) {
  const spec = workflow.records.case;
  const row = (key, value, extra = null, label = t(key)) =>
    value ? html`<dt>${label}</dt><dd data-fact=${key}>${value} ${extra}</dd>` : null;
  const choice = (field) => rec[field] && L(spec.fields[field].labels[rec[field]]);
  return html`<dl class="facts">
    <dt>${t('status')}</dt><dd data-status=${rec.status}>${L(spec.statuses[rec.status])} ${rec.local ? html`<${StateChip} state=${rec.local} />` : null}</dd>
    ${row('case_code', rec.code)}
    ${row('procedure', choice('procedure'))}
    ${row('matter', matterName(matters, rec.matter_code))}
    ${row('party', rec.party && [rec.party.name, rec.party.id_number].filter(Boolean).join(' · '))}
    ${row('facts', rec.facts)}
    ${row('violation_on', rec.violation_on)}
    ${rec.limitation_expired ? html`<dt>${t('limitation')}</dt><dd class="warn" role="alert">${t('limitation_expired')}</dd>` : null}
    ${row('decision_due', spec.clocks.decision_due.running.includes(rec.status) && rec.decision_due, html`<${DueChip} spec=${spec} field="decision_due" rec=${rec} />`, t('decision_due_label'))}
    ${row('decision_extensions', (rec.decision_extensions || []).map((x) => `+${x.days} · ${x.basis}`).join('；'))}
    ${row('inspections', rec.inspections)}
    ${row('preservation_due', !rec.preservation_decided_on && rec.preservation_due, html`<${DueChip} spec=${spec} field="preservation_due" rec=${rec} />`)}
    ${row('proposed_penalty', penaltyText(workflow, rec.proposed_penalty))}
    ${row('hearing_request_due', rec.status === 'notified' && rec.hearing_request_due, html`<${DueChip} spec=${spec} field="hearing_request_due" rec=${rec} />`)}
    ${row('statement_due', rec.status === 'notified' && !(rec.statements || []).some((x) => x.notice_on === rec.notified_on) && rec.statement_due)}
    ${row(
      'statements',
      (rec.statements || [])
        .filter((x) => x.notice_on === (rec.notified_on || rec.decided_on))
        .map((x) =>
          [
            x.received_on,
            L(spec.transitions.record_statement.args.kind.labels[x.kind]),
            ...x.points.map((p) => `${p.point}（${p.adopted ? t('statement_adopted') : '×'}）`),
          ].join(' · '),
        )
        .join('；'),
    )}
    ${row('recusals', (rec.recusals || []).map((r) => [((people || []).find((p) => p.id === r.person) || {}).display_name || r.person, L(spec.transitions.recuse.args.part.labels[r.part]), t(r.granted ? 'recusal_granted' : 'recusal_refused'), r.reason].join(' · ')).join('；'))}
    ${row('heard_on', rec.heard_on && `${rec.heard_on}${rec.hearing_waived ? ` · ${t('hearing_waived')}` : ''}`)}
    ${row('review_required', rec.review_required && !rec.reviewed_by ? t('yes') : null)}
    ${row('discussed_on', rec.discussed_on && `${rec.discussed_on} · ${rec.discussion_participants}`)}
    ${row('penalty', penaltyText(workflow, rec.penalty))}
    ${row('on_spot_officers', (rec.on_spot_officers || []).map((id) => nameOf(people, id)).join('、'), html`<${OnSpotChip} rec=${rec} me=${me} people=${people} />`)}
    ${row('filing_due', !rec.filed_on && rec.filing_due, html`<${DueChip} spec=${spec} field="filing_due" rec=${rec} />`)}
    ${row('filed_on', rec.filed_on && `${rec.filed_on}${rec.filed_late ? ` · ${t('filed_late')}` : ''}`)}
    ${row('service_proof', rec.served_on && rec.service_proof && `${rec.served_on} · ${rec.service_proof}`)}
    ${row('service_due', !rec.served_on && rec.service_due, html`<${DueChip} spec=${spec} field="service_due" rec=${rec} />`)}
    ${row('payment_due', !rec.paid_on && !rec.enforcement_done_on && rec.payment_due, html`<${DueChip} spec=${spec} field="payment_due" rec=${rec} />`)}
    ${row('payment_due', rec.served_on && !rec.paid_on && !rec.payment_due && rec.penalty && rec.penalty.amount_fen > 0 ? t('payment_due_pending') : null)}
    ${row('demand_served_on', rec.demand_served_on && [rec.demand_served_on, rec.demand_proof].filter(Boolean).join(' · '))}
    ${row('remedies', (rec.remedies || []).map((r) => [r.sought_on, L(spec.transitions.record_remedy.args.kind.labels[r.kind]), r.body, r.outcome && `${L(spec.transitions.record_remedy_result.args.outcome.labels[r.outcome])}（${r.decided_on} ${r.document_no}）`].filter(Boolean).join(' · ')).join('；'))}
    ${row('no_remedy_confirmed_on', rec.no_remedy_confirmed_on && `${rec.no_remedy_confirmed_on} · ${nameOf(people, rec.no_remedy_confirmed_by)}`)}
    ${row('enforcement_window', rec.enforcement_from && `${rec.enforcement_from} – ${rec.enforcement_by}`, !rec.enforcement_applied_on && html`<${DueChip} spec=${spec} field="enforcement_by" rec=${rec} />`)}
    ${row('enforcement_applied_on', rec.enforcement_applied_on && [rec.enforcement_applied_on, rec.enforcement_court].filter(Boolean).join(' · '))}
    ${row('court_answers', courtAnswers(spec, rec))}
    ${row('transferred_agency', rec.transferred_agency && [rec.transferred_agency, rec.end_reason, rec.ended_on].filter(Boolean).join(' · '))}
    ${row('department_case_no', rec.department_case_no && `${rec.department_case_no}（${t('transfer_received_on')} ${rec.transfer_received_on}）`)}
    ${row('transfer_returned_reason', rec.transfer_returned_reason)}
    ${row('arbitration_note', rec.arbitration_note)}
  </dl>`;
}

// The court's answers to an application to enforce (行政强制法 arts. 56–58): the step that
// records each, and the fields it sets (its day, its number, a refusal's reason).
const COURT_ANSWERS = [
  ['court_accepted', 'enforcement_accepted_on', 'enforcement_case_no'],
  ['court_declined', 'enforcement_declined_on', 'enforcement_declined_no', 'enforcement_decline_reason'],
  ['court_ordered', 'enforcement_ordered_on', 'enforcement_ordered_no'],
  ['court_refused', 'enforcement_refused_on', 'enforcement_refused_no', 'enforcement_refusal_reason'],
  ['court_enforced', 'enforcement_done_on', 'enforcement_done_no'],
];

function courtAnswers(spec, rec) {
  const answers = COURT_ANSWERS.filter(([, day]) => rec[day]);
  return answers.length
    ? answers.map(
        ([step, ...fields]) =>
          html`<div data-court-answer=${step}>${[L(spec.transitions[step].label), ...fields.map((f) => rec[f])].filter(Boolean).join(' · ')}</div>`,
      )
    : null;
}

/** A penalty kind's Chinese name, as the workflow declares its choices: what a document
 * prints for a penalty neither a warning nor a fine (sync.documents.data.penalty_lines). */
function penaltyLabels(workflow) {
  const labels = workflow.records.case.transitions.decide_on_spot.args.penalty.properties.kind.labels;
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, v['zh-CN']]));
}

/** The documents the server issued for the case (GET …/documents), kept on the phone for
 * when it is offline, with their PDFs: a kind issued is no longer offered (生成文书,
 * 离线出具), only opened, whoever issued it and however (online, at the desk, sealed from a
 * copy printed offline). */
function useIssued(rec, tick) {
  const [docs, setDocs] = useState([]);
  useEffect(() => {
    if (rec.local) return undefined;
    let live = true;
    const key = `issued:${rec.id}`;
    getMeta(key, []).then((held) => live && setDocs(held));
    authed(`/cases/${rec.id}/documents`)
      .then(async (fresh) => {
        await setMeta(key, fresh);
        if (live) setDocs(fresh);
        await keepIssued(fresh, () => live);
      })
      .catch(() => {}); // offline: what was last read stands (a PDF not kept: on opening)
    return () => {
      live = false;
    };
  }, [rec.id, rec.version, rec.local, tick]);
  return docs;
}

/** A document the records can fill: issued by the server (online), then kept on the phone
 * as the very bytes archived, to open and print (a tap: a page may not open windows itself).
 * An inspection record still awaiting an officer's confirmation is not issued (the server
 * refuses it: art. 42), so its button waits too. */
function Documents({ rec, workflow, me, people, inspections, toast, onIssued }) {
  const { matters } = useApp();
  const [busy, setBusy] = useState(null);
  const [ready, setReady] = useState({});
  const urls = useRef([]); // let the PDFs go when the page is left
  const [qr, setQr] = useState(null); // the issued document whose QR code is shown
  const [tick, setTick] = useState(0); // a document issued here: read the list again
  const issuedDocs = useIssued(rec, tick);
  // The document of a row the server issued: a case's by its kind, an inspection record's
  // by its own act code (the record's).
  const issuedOf = (kind, extra) =>
    extra.inspection_id
      ? issuedForRecord(
          issuedDocs,
          kind,
          inspections.find((i) => i.id === extra.inspection_id),
        )
      : issuedFor(issuedDocs, kind);
  useEffect(() => () => urls.current.forEach((u) => URL.revokeObjectURL(u)), []);
  // Offered once its step is recorded and on the days it may bear (sync.cases.document_waits:
  // the application to the court within its window), to whom issues it (its `who`: the
  // head signs that application), for its procedure.
  const kinds = Object.entries(workflow.records.case.documents || {}).filter(
    ([, d]) => documentWaits(d, rec, today()) == null && (!d.who || may(d.who, rec, me)) && (!d.procedure || d.procedure === rec.procedure),
  );
  const forInspections = Object.entries(workflow.records.inspection.documents || {});
  if (!me.roles.includes('officer') || rec.local) return null;
  // The officers a document names who hold a signing key are asked for their passphrases
  // first, each typing his own (GET …/document-signers reads them as issuing does).
  const [signing, setSigning] = useState(null); // {key, kind, extra, signers, errors}
  async function issue(key, kind, extra = {}, passphrases = null) {
    setBusy(key);
    try {
      if (passphrases === null) {
        const q = new URLSearchParams({ kind, ...(extra.inspection_id ? { inspection_id: extra.inspection_id } : {}) });
        const signers = await authed(`/cases/${rec.id}/document-signers?${q}`);
        if (signers.some((s) => s.has_key)) {
          setSigning({ key, kind, extra, signers, errors: {} });
          return;
        }
      }
      const signature = await getMeta(`signature:${rec.id}`);
      const body = { kind, ...extra };
      if (signature && (kind === 'summary_decision' || kind === 'inspection_record')) body.party_signature = signature;
      if (passphrases && Object.keys(passphrases).length) body.officer_passphrases = passphrases;
      const doc = await authed(`/cases/${rec.id}/documents`, { method: 'POST', body });
      setSigning(null);
      const url = URL.createObjectURL(await issuedPdf(doc));
      urls.current.push(url);
      setReady((r) => ({ ...r, [key]: { url, number: doc.doc_number, id: doc.id } }));
      setTick((n) => n + 1);
      if (onIssued) onIssued(doc); // the desk lists it for publication (art. 48)
    } catch (err) {
      const fields = err instanceof ApiError && err.body.fields ? Object.keys(err.body.fields) : [];
      if (passphrases && fields.some((f) => f.startsWith('officer_passphrases.'))) {
        setSigning((s) => s && { ...s, errors: err.body.fields }); // under the field it names
        return;
      }
      if (err instanceof ApiError && err.body.error === 'seal_unavailable') {
        // The operator's to fix (the seal's token): said in words, with the setting he checks.
        toast(`${t('seal_unavailable')}（${err.message}）`);
        return;
      }
      toast(err instanceof Offline ? t('document_offline') : `${err.message}${fields.length ? `（${fields.join('、')}）` : ''}`);
    } finally {
      setBusy(null);
    }
  }
  const sealed = (key) => (url, doc) => {
    urls.current.push(url);
    setReady((r) => ({ ...r, [key]: { url, number: doc.doc_number, id: doc.id } }));
  };
  const online = (key, kind, extra, disabled) =>
    html`<button type="button" class="secondary" data-issue=${key} disabled=${busy || disabled}
      onClick=${() => issue(key, kind, extra)}>${busy === key ? t('issuing') : t('issue_document')}</button>`;
  async function openIssued(key, doc) {
    try {
      const url = URL.createObjectURL(await issuedPdf(doc));
      urls.current.push(url);
      setReady((r) => ({ ...r, [key]: { url, number: doc.doc_number, id: doc.id } }));
    } catch (err) {
      toast(err instanceof Offline ? t('document_offline') : err.message);
    }
  }
  const entry = (key, label, kind, extra, disabled = false, why = null, d = null, inspection = null) => {
    const doc = ready[key];
    const done = doc ? null : issuedOf(kind, extra);
    return html`<li class="row" data-document=${key}>
      <span class="title">${label}</span>
      ${why ? html`<span class="meta" data-document-waits=${key}>${why}</span>` : null}
      ${
        doc
          ? html`<a class="big" data-pdf=${key} href=${doc.url} target="_blank" rel="noopener" download=${`${doc.number}.pdf`}>${t('open_document', { n: doc.number })}</a>
          <button type="button" class="big" data-party-qr-open=${key} onClick=${() => setQr(doc)}>${t('party_qr')}</button>`
          : d
            ? html`<${OfflineRow} rec=${rec} kind=${kind} spec=${d} declarations=${workflow.documents} inspections=${inspections} people=${people || []} matters=${matters || []} labels=${penaltyLabels(workflow)} toast=${toast}
                inspection=${inspection} workflow=${workflow} me=${me} onSealed=${sealed(key)} online=${online(key, kind, extra, disabled)} issued=${done} openIssued=${() => openIssued(key, done)} />`
            : done
              ? html`<span class="meta" data-issued-already=${done.doc_number}>${t('issued_already', { n: done.doc_number })}</span>
                <button type="button" class="big" data-open-issued=${key} onClick=${() => openIssued(key, done)}>${t('open_document', { n: done.doc_number })}</button>`
              : online(key, kind, extra, disabled)
      }
      ${
        signing && signing.key === key
          ? html`<${OfficerSigning} signing=${signing} busy=${busy === key} onCancel=${() => setSigning(null)}
              onSign=${(passphrases) => issue(key, kind, extra, passphrases)} />`
          : null
      }
    </li>`;
  };
  if (!kinds.length && !inspections.length) return null;
  return html`<section class="box documents"><h2>${t('documents')}</h2>
    <ul class="list">
      ${kinds.map(([kind, d]) => {
        const awaiting = (d.awaiting && rec[d.awaiting]) || [];
        const why = awaiting.length ? awaitingText(awaiting, me, people) : null;
        return entry(kind, L(d.label), kind, {}, !!why, why, d);
      })}
      ${inspections.flatMap((i, n) => forInspections.map(([kind, d]) => entry(`${kind}:${i.id}`, `${L(d.label)} ${n + 1}`, kind, { inspection_id: i.id }, !!i.local || i.status === 'awaiting_confirmation', null, d, i)))}
    </ul>
    <p class="hint">${t('documents_hint')}</p>
    <${PaperSetting} />
    ${qr ? html`<${PartyQr} doc=${qr} onClose=${() => setQr(null)} />` : null}
  </section>`;
}

/** The officers' own signatures (执法人员数字签名): each named officer who holds a key types
 * his passphrase, which opens his key on the server for this one document and is never kept;
 * one left blank signs by hand on the printed copy, as one with no key does. */
function OfficerSigning({ signing, busy, onCancel, onSign }) {
  const form = useRef(null);
  function submit(e) {
    e.preventDefault();
    const given = {};
    for (const s of signing.signers.filter((x) => x.has_key)) {
      const value = form.current.elements[`passphrase-${s.user_id}`].value;
      if (value) given[String(s.user_id)] = value;
    }
    onSign(given);
  }
  return html`<form class="officer-signing" ref=${form} onSubmit=${submit} data-officer-signing>
    <h3>${t('officer_signing')}</h3>
    <p class="hint">${t('officer_signing_hint')}</p>
    ${signing.signers.map((s) => {
      const name = `${s.name}（${s.certificate_no}）`;
      if (!s.has_key) return html`<p class="meta" data-signs-by-hand=${s.user_id}>${t('signs_by_hand', { name })}</p>`;
      const error = (signing.errors[`officer_passphrases.${s.user_id}`] || [])[0];
      return html`<label class="field">
        <span>${t('officer_passphrase', { name })}</span>
        <input class="big" type="password" name=${`passphrase-${s.user_id}`} autocomplete="off" data-passphrase=${s.user_id}
          aria-invalid=${error ? 'true' : 'false'} />
        ${error ? html`<span class="error" role="alert" data-passphrase-error=${s.user_id}>${t('officer_passphrase_wrong')}</span>` : null}
      </label>`;
    })}
    <div class="actions">
      <button type="button" class="big secondary" onClick=${onCancel}>${t('cancel')}</button>
      <button type="submit" class="big" disabled=${busy} data-sign-issue>${busy ? t('issuing') : t('sign_and_issue')}</button>
    </div>
  </form>`;
}

function certified(p, day) {
  return (
    (p.roles || []).includes('officer') &&
    p.certificate_no &&
    (!p.certificate_valid_from || p.certificate_valid_from <= day) &&
    (!p.certificate_valid_until || p.certificate_valid_until >= day)
  );
}

export function partnersOf(me, people) {
  const day = today();
  return (people || []).filter((p) => p.id !== me.id && certified(p, day));
}

/** 现场检查笔录: the fields an inspection record needs, the two officers first (art. 42). */
export function InspectionFields({ me, people, form, setForm }) {
  const partners = partnersOf(me, people);
  const set = (patch) => setForm({ ...form, ...patch });
  return html`
    <${Field} label=${`${t('co_officer')} *`} error=${partners.length ? null : t('co_needed')}>
      <select name="co_officer" required value=${form.co} onChange=${(e) => set({ co: e.currentTarget.value })}>
        <option value="">${t('choose')}</option>
        ${partners.map((p) => html`<option value=${String(p.id)}>${p.display_name}（${p.certificate_no}）</option>`)}
      </select>
    </${Field}>
    <${Field} label=${`${t('findings')} *`} hint=${t('voice_hint')}>
      <textarea name="findings" rows="4" required maxlength="8000" value=${form.findings} onInput=${(e) => set({ findings: e.currentTarget.value })} />
    </${Field}>
    <label class="radio"><input type="checkbox" name="certificates_shown" checked=${form.certificates_shown} onChange=${(e) => set({ certificates_shown: e.currentTarget.checked })} /> ${t('certificates_shown')} *</label>
    <label class="radio"><input type="checkbox" name="party_present" checked=${form.party_present} onChange=${(e) => set({ party_present: e.currentTarget.checked })} /> ${t('party_present')}</label>`;
}

/** The inspection record's payload from the form (times in the phone's clock, with offset). */
export function inspectionPayload(me, people, form, { startedAt, place, fix, refused }) {
  const partner = partnersOf(me, people).find((p) => String(p.id) === form.co);
  const payload = {
    officers: [me.id, partner.id],
    started_at: startedAt,
    ended_at: new Date().toISOString(),
    place,
    findings: form.findings.trim(),
    certificates_shown: !!form.certificates_shown,
    party_present: !!form.party_present,
  };
  if (refused) payload.party_refusal = t('party_refused');
  if (fix) payload.location = fix;
  return payload;
}

export function inspectionComplete(form) {
  return !!(form.co && form.findings.trim() && form.certificates_shown);
}

const EMPTY_INSPECTION = { co: '', findings: '', certificates_shown: false, party_present: true };

/** The collaboration requests out for a case, on the phone: to whom, what, and the
 * department's clock (the desk asks and records the answers: console.js). */
function CaseRequests({ rec, workflow, me, departments, version, toast }) {
  const all = useRecords('collaboration', workflow, me, version);
  const spec = workflow.records.collaboration;
  if (!all || !spec) return null;
  const mine = all.filter((c) => c.case_id === rec.id || c.parent_id === rec.id);
  if (!mine.length) return null;
  const name = (code) => ((departments || []).find((d) => d.code === code) || {}).name || code;
  return html`<section class="box collaborations"><h2>${L(spec.label)}</h2><ul class="list">
    ${mine.map(
      (c) => html`<li class="row" data-collaboration=${c.id} data-status=${c.status}>
      <span class="title">${name(c.department)}${c.kind ? ` · ${L(spec.fields.kind.labels[c.kind])}` : ''}
        <span class="chip st-status">${L(spec.statuses[c.status]) || c.status}</span></span>
      <span class="meta">${c.question}</span>
      <span class="meta">${t('collab_due')} ${c.due || ''} ${spec.clocks.due.running.includes(c.status) ? html`<${DueChip} spec=${spec} field="due" rec=${c} />` : null}</span>
      ${c.answer ? html`<span class="meta" data-answer=${c.answered_late ? 'late' : 'in_time'}>${t('answer')}（${c.answered_on}）：${c.answer}</span>` : null}
      ${c.refuse_reason ? html`<span class="meta" data-refused="yes">${t('refuse_reason')}（${c.refused_on}）：${c.refuse_reason}</span>` : null}
      ${(c.files || []).map(
        (f) => html`<span class="meta file" data-file=${f.sha256} data-side=${f.side}>${t(`file_side_${f.side}`)}：${f.name}
        <button type="button" class="secondary small" data-action="open-file" onClick=${() => openFile(c, f, toast)}>${t('download')}</button></span>`,
      )}
    </li>`,
    )}</ul></section>`;
}

/** A request's file, read when asked: it needs a network (the phone keeps only its name). */
async function openFile(c, f, toast) {
  try {
    saveBlob(await authedBlob(`/collaborations/${c.id}/files/${f.sha256}`), f.name);
  } catch (err) {
    toast(err instanceof Offline ? t('file_offline') : err.message);
  }
}

/** A case's steps (issue 24): the one it waits for as one big button, every other in a 办理
 * sheet opened beside it, so the facts stay on the phone's first screen. The sheet is a modal
 * <dialog> (focus goes in and comes back, Escape and a tap outside close it); on a desk's wide
 * screen the same list opens as a menu under its button. A step the workflow calls final says so. */
function StepButtons({ items }) {
  const [open, setOpen] = useState(false); // for aria-expanded; the <dialog> itself says if it is open
  const dialog = useRef(null);
  const opener = useRef(null);
  const first = items.find((x) => x.awaited);
  const rest = items.filter((x) => x !== first);
  if (!items.length) return null;
  // A desk's screen (whoever sits at it) gets a menu under the button; a phone's, the sheet.
  const wide = window.matchMedia('(min-width: 720px)').matches;
  function show() {
    const d = dialog.current;
    if (d.open) return;
    if (wide) {
      const r = opener.current.getBoundingClientRect();
      d.style.top = `${Math.round(r.bottom + 4)}px`;
      d.style.left = `${Math.round(Math.max(8, Math.min(r.left, window.innerWidth - 448)))}px`;
      d.style.maxHeight = `${Math.round(Math.max(240, window.innerHeight - r.bottom - 16))}px`;
    }
    d.showModal(); // opened here, not in an effect: a tap right after a close opens it again
    setOpen(true);
  }
  function closed() {
    // Escape, 取消, a tap outside: back to the button that opened it.
    setOpen(false);
    if (opener.current && opener.current.isConnected) opener.current.focus();
  }
  function take(item) {
    dialog.current.close();
    item.run();
  }
  function keys(e) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const rows = [...dialog.current.querySelectorAll('button.sheet-row')];
    const i = rows.indexOf(document.activeElement);
    rows[(i + (e.key === 'ArrowDown' ? 1 : rows.length - 1)) % rows.length].focus();
    e.preventDefault();
  }
  return html`<div class="actions steps">
      ${first ? html`<button type="button" class="primary awaited" data-awaited="yes" ...${first.attrs} onClick=${first.run}>${t('next_step')}：${first.label}</button>` : null}
      ${
        rest.length
          ? html`<button type="button" class="secondary more" data-action="more-steps" ref=${opener} aria-haspopup="dialog" aria-expanded=${open ? 'true' : 'false'}
        onClick=${show}>${t('more_steps')} ▾</button>`
          : null
      }
    </div>
    ${
      rest.length
        ? html`<dialog ref=${dialog} class=${`steps-sheet ${wide ? 'menu' : 'sheet'}`} role="dialog" aria-modal="true" aria-labelledby="steps-sheet-title"
      onClose=${closed} onKeyDown=${keys} onClick=${(e) => e.target === dialog.current && dialog.current.close()}>
      <div class="sheet-body">
        <h2 id="steps-sheet-title">${t('more_steps_title')}</h2>
        <ul class="sheet-rows">${rest.map(
          (
            x,
          ) => html`<li><button type="button" class="sheet-row" ...${x.attrs} data-final=${x.final ? 'yes' : null} onClick=${() => take(x)}>
          <span class="title">${x.label}${x.final ? html` <span class="chip st-attention">${t('final_step')}</span>` : null}</span>
          ${x.explains ? html`<span class="meta">${x.explains}</span>` : null}</button></li>`,
        )}</ul>
        <button type="button" class="sheet-row cancel" data-action="close-steps" onClick=${() => dialog.current.close()}>${t('cancel')}</button>
      </div></dialog>`
        : null
    }`;
}

export function CaseDetail({ id, embedded = false, onIssued = null }) {
  const { me, workflow, matters, people, departments, version, toast } = useApp();
  const rows = useRecords('case', workflow, me, version);
  const inspections = useRecords('inspection', workflow, me, version);
  const [step, setStep] = useState(null);
  const [values, setValues] = useState({});
  const [inspecting, setInspecting] = useState(null);
  const [editing, setEditing] = useState(null);
  if (!rows || !inspections) return null;
  const rec = rows.find((r) => r.id === id);
  if (!rec) return embedded ? html`<p>${t('no_cases')}</p>` : html`<main><p>${t('no_cases')}</p></main>`;
  const spec = workflow.records.case;
  const steps = offered(workflow, 'case', rec, me);
  const mine = inspections.filter((i) => i.case_id === rec.id || (i.local && i.parent_id === rec.id));
  const toConfirm = awaitingMe(mine, me);
  const canInspect = may(workflow.records.inspection.create.who, rec, me) && !spec.closed.includes(rec.status) && rec.status !== 'decided';

  async function run() {
    const args = argsValues(spec.transitions[step].args, values);
    await box.record(me.id, [
      { record_type: 'case', record_id: rec.id, op: 'transition', base_version: rec.version || null, payload: { name: step, args } },
    ]);
    setStep(null);
    setValues({});
    toast(savedText());
  }

  // The facts this person may still change, as the workflow's edit rules say (who, in which
  // statuses); the matter is changed at the desk, where the catalogue is.
  const editable = Object.fromEntries(
    Object.entries(spec.fields).filter(
      ([name, f]) => name !== 'matter_code' && (f.edit || []).some((r) => r.in.includes(rec.status) && may(r.who, rec, me)),
    ),
  );

  async function saveFacts() {
    const wanted = argsValues(editable, editing);
    const changed = Object.fromEntries(
      Object.entries(wanted).filter(
        ([k, v]) => JSON.stringify(v) !== JSON.stringify(rec[k] ?? (typeof v === 'boolean' ? false : undefined)),
      ),
    );
    if (Object.keys(changed).length) {
      // Against the version shown: a fact changed meanwhile elsewhere is a conflict (R4).
      await box.record(me.id, [
        { record_type: 'case', record_id: rec.id, op: 'update', base_version: rec.version || null, payload: changed },
      ]);
      toast(savedText());
    }
    setEditing(null);
  }

  async function inspect() {
    const id = crypto.randomUUID();
    // Under the next act code reserved for inspection records, so that its 现场检查笔录 can
    // be printed here offline under the code the record will carry (offline-docs.js).
    const payload = await withActCode(
      id,
      inspectionPayload(me, people, inspecting, { startedAt: inspecting.started_at, place: inspecting.place.trim() }),
    );
    // Its photos are the case's clue's evidence, queued with it (the record lists them).
    const shots = photoRecords(rec.clue_id, inspecting.photos || [], null, null);
    await box.record(
      me.id,
      [{ record_type: 'inspection', record_id: id, parent_id: rec.id, op: 'create', payload }, ...shots.mutations],
      shots.files,
    );
    setInspecting(null);
    toast(savedText());
  }

  function choose(name) {
    // Days default to today; a penalty starts from the one proposed.
    const args = spec.transitions[name].args;
    const start = {};
    for (const [field, s] of Object.entries(args)) {
      if (s.type === 'date') start[field] = today();
      if (field === 'penalty' && rec.proposed_penalty) start[field] = { ...rec.proposed_penalty };
    }
    setValues(start);
    setStep(name);
  }

  let action;
  if (step === 'consent_eservice') {
    action = html`<${ConsentForm} rec=${rec} workflow=${workflow} me=${me} toast=${toast} onDone=${() => setStep(null)} />`;
  } else if (step) {
    const args = spec.transitions[step].args;
    action = html`<section class="box step-form" data-step=${step}><h2>${L(spec.transitions[step].label)}</h2>
      ${spec.transitions[step].explains ? html`<p class="explains">${L(spec.transitions[step].explains)}</p>` : null}
      <${ArgsForm} args=${args} values=${values} setValues=${setValues}
        context=${{ discretion: (matters.find((m) => m.code === rec.matter_code) || {}).discretion, me: me.id, partners: partnersOf(me, people), officers: (people || []).filter((p) => (p.roles || []).includes('officer') && p.active !== false), departments }} />
      <div class="actions"><button type="button" class="secondary" onClick=${() => setStep(null)}>${t('cancel')}</button>
      <button type="button" class="primary" data-action="save-step" disabled=${!argsComplete(args, values)} onClick=${run}>${spec.transitions[step].commit ? L(spec.transitions[step].commit) : t('save')}</button></div></section>`;
  } else if (editing) {
    action = html`<section class="box step-form facts-form"><h2>${t('edit_facts')}</h2>
      <${ArgsForm} args=${editable} values=${editing} setValues=${setEditing} />
      <div class="actions"><button type="button" class="secondary" onClick=${() => setEditing(null)}>${t('cancel')}</button>
      <button type="button" class="primary" data-action="save-facts" disabled=${!argsComplete(editable, editing)} onClick=${saveFacts}>${t('save')}</button></div></section>`;
  } else if (inspecting) {
    const ok = inspectionComplete(inspecting) && inspecting.place.trim();
    action = html`<section class="box inspection-form"><h2>${L(workflow.records.inspection.label)}</h2>
      <${Field} label=${`${t('place')} *`}><input name="place" maxlength="300" required value=${inspecting.place}
        onInput=${(e) => setInspecting({ ...inspecting, place: e.currentTarget.value })} /></${Field}>
      <${InspectionFields} me=${me} people=${people} form=${inspecting} setForm=${setInspecting} />
      ${rec.clue_id ? html`<${PhotoPicker} photos=${inspecting.photos || []} setPhotos=${(next) => setInspecting((f) => ({ ...f, photos: typeof next === 'function' ? next(f.photos || []) : next }))} />` : null}
      <div class="actions"><button type="button" class="secondary" onClick=${() => setInspecting(null)}>${t('cancel')}</button>
      <button type="button" class="primary" data-action="save-inspection" disabled=${!ok} onClick=${inspect}>${t('save')}</button></div></section>`;
  } else {
    // Every step this person may take now, then the record's own two (edit the facts, record
    // an inspection); the one the case waits for (the workflow's `awaits`) is the big button.
    const next = awaitedStep(spec.awaits, rec);
    const items = steps.map(([name, s]) => ({
      key: name,
      attrs: { 'data-transition': name },
      label: L(s.label),
      explains: s.explains && L(s.explains),
      final: !!s.final,
      awaited: name === next,
      run: () => choose(name),
    }));
    if (Object.keys(editable).length) {
      items.push({
        key: 'edit-facts',
        attrs: { 'data-action': 'edit-facts' },
        label: t('edit_facts'),
        run: () => setEditing(Object.fromEntries(Object.keys(editable).map((k) => [k, rec[k]]))),
      });
    }
    if (canInspect) {
      items.push({
        key: 'inspect',
        attrs: { 'data-action': 'inspect' },
        label: L(workflow.records.inspection.label),
        awaited: next === 'inspection',
        run: () => setInspecting({ ...EMPTY_INSPECTION, started_at: new Date().toISOString(), place: '' }),
      });
    }
    action = html`<${StepButtons} items=${items} />`;
  }
  // At a desk the console puts it beside the clue's photos and the timeline (one <main>).
  const Box = embedded ? 'section' : 'main';
  return html`<${Box} class="case">
    <h1>${rec.party ? rec.party.name : ''} · ${matterName(matters, rec.matter_code)}</h1>
    ${action}
    <${CaseFacts} rec=${rec} me=${me} workflow=${workflow} matters=${matters} people=${people} />
    ${toConfirm.map((i) => html`<${ConfirmPresence} i=${i} me=${me} people=${people} toast=${toast} />`)}
    ${
      mine.length
        ? html`<h2>${L(workflow.records.inspection.label)}</h2>
      <ul class="list">${mine.map(
        (i) => html`<li class="row" data-inspection-row=${i.id}>
        <span class="title">${i.code || i.act_code || ''} ${when(i.started_at)}</span><span class="meta">${i.place || ''}</span>
        ${
          i.local && i.case_id && (i.awaiting_confirmation || []).includes(me.id)
            ? html`<span class="chip" data-presence="queued">${t('presence_queued')}</span>`
            : html`<${PresenceChip} i=${i} me=${me} people=${people} />`
        }
        ${i.local ? html`<${StateChip} state=${i.local} />` : null}</li>`,
      )}</ul>`
        : null
    }
    <${Documents} rec=${rec} workflow=${workflow} me=${me} people=${people} inspections=${mine} toast=${toast} onIssued=${onIssued} />
    <${EService} rec=${rec} version=${version} />
    ${embedded ? null : html`<${CaseRequests} rec=${rec} workflow=${workflow} me=${me} departments=${departments} version=${version} toast=${toast} />`}
  </${Box}>`;
}
