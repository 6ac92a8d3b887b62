// A case at the desk: the phone's case page, its collaborations and its publication (art. 48).
import { useState } from 'preact/hooks';
import { Offline } from '../api.js';
import { CaseDetail, useRecords } from '../cases.js';
import { L, t, when } from '../i18n.js';
import { Basis, InspectionRecords } from '../basis.js';
import { chinaDate, publicationState } from '../public.js';
import { authed, authedBlob } from '../session.js';
import { Field, html, saveBlob } from '../ui.js';
import { Collaborations } from './collaboration.js';
import { useFetched } from './common.js';
import { Gallery, Timeline } from './evidence.js';
import { CaseClips } from './bodycam.js';
import { useApp } from '../app.js';

/**
 * A case at the desk: its own page (facts, steps, inspections, documents) beside what a
 * decision on it rests on (the law, the discretion standard, the opinions given), the photos
 * of the clue it came from and the inspection records' text, and the timeline of both from
 * the audit chain.
 */
export function ConsoleCase({ id }) {
  const props = useApp();
  const { me, workflow, version, toast } = props;
  const cases = useRecords('case', workflow, me, version);
  const [issued, setIssued] = useState(0); // a document issued here: list it for publication
  if (!cases) return null;
  const rec = cases.find((r) => r.id === id);
  const clueId = rec && (rec.clue_id || rec.parent_id);
  // A department reading a case transferred to it: the case and its photos, not the
  // township's clue page nor its timeline (the township's own record of its work).
  const received = !!(rec && me.department && rec.transferred_to === me.department);
  return html`<main class="console record" data-case=${id}>
    <p><a href="#/console">← ${t('inbox')}</a>${clueId && !received ? html` · <a href=${`#/clue/${clueId}`} data-to-clue=${clueId}>${t('clue')}</a>` : null}</p>
    <div class="columns">
      <div><${CaseDetail} id=${id} embedded=${true} onIssued=${() => setIssued((n) => n + 1)} />
        ${rec && rec.version && !rec.local ? html`<${Publication} rec=${rec} workflow=${workflow} me=${me} received=${received} issued=${issued} toast=${toast} />` : null}
        ${rec && rec.version && !rec.local ? html`<${OfflineCopies} rec=${rec} workflow=${workflow} issued=${issued} />` : null}
        ${rec ? html`<${Collaborations} rec=${rec} workflow=${workflow} me=${me} people=${props.people} departments=${props.departments} version=${version} toast=${toast} />` : null}</div>
      <div>${rec ? html`<${Basis} rec=${rec} matters=${props.matters} people=${props.people} />` : null}
        ${clueId ? html`<${Gallery} clueId=${clueId} workflow=${workflow} version=${version} toast=${toast} />` : null}
        ${rec && rec.version && !rec.local ? html`<${CaseClips} caseId=${id} version=${version} canLink=${!received && workflow.records.evidence.bodycam.who.some((r) => me.roles.includes(r))} />` : null}
        ${rec ? html`<${InspectionRecords} rec=${rec} workflow=${workflow} me=${me} people=${props.people} version=${version} />` : null}</div>
    </div>
    ${clueId && rec.version && !received ? html`<${Timeline} clueId=${clueId} workflow=${workflow} version=${`${version}:${rec.version}`} />` : null}
  </main>`;
}

/**
 * 离线出具的文书（已交付当事人）(issue 22): each copy an officer printed on site, offline, as
 * the party holds it, by its SHA-256 and the time the phone printed it, beside the sealed
 * document the server issued under the same number: a court sees both.
 */
function OfflineCopies({ rec, workflow, issued }) {
  const [copies] = useFetched(`/cases/${rec.id}/offline-documents`, [rec.id, rec.version, issued]);
  const [docs] = useFetched(`/cases/${rec.id}/documents`, [rec.id, rec.version, issued]);
  if (!copies || !copies.length) return null;
  // The case's documents and its inspection records' own (现场检查笔录).
  const kinds = { ...(workflow.records.case.documents || {}), ...(workflow.records.inspection.documents || {}) };
  const sealed = (id) => (docs || []).find((d) => d.id === id);
  return html`<section class="box offline-copies" data-offline-copies=${rec.id}>
    <h2>${t('offline_copies')}</h2>
    <ul class="list">${copies.map((c) => {
      const doc = c.document_id && sealed(c.document_id);
      return html`<li class="row" data-offline-copy-row=${c.id}>
        <span class="title">${L((kinds[c.kind] || {}).label) || c.kind} · ${c.doc_number}</span>
        <span class="meta">${t('offline_printed_at', { d: when(c.printed_at), paper: c.paper })} · ${c.act_code}</span>
        <span class="meta hash" title=${c.sha256} data-offline-sha256=${c.sha256}>SHA-256 ${c.sha256.slice(0, 16)}…</span>
        <span class="meta" data-offline-sealed-doc=${doc ? doc.doc_number : ''}>${doc ? t('offline_sealed_as', { n: doc.doc_number, code: doc.act_code }) : t('offline_not_sealed')}</span>
      </li>`;
    })}</ul>
  </section>`;
}

// -- publication (行政处罚法 第四十八条) ----------------------------------------------------------

/**
 * Art. 48 at the desk: the case's decisions that have a public copy, where each stands, and
 * for the head (a leader of the township) the two acts the law gives him: make one public
 * (具有一定社会影响的行政处罚决定应当依法公开), or withdraw it with the reason the public
 * will read, within 3 days of its being changed, revoked, or found unlawful or void. The
 * server decides who may; everyone else sees the state only.
 */
function Publication({ rec, workflow, me, received, issued, toast }) {
  const [tick, setTick] = useState(0);
  const [docs, error] = useFetched(`/cases/${rec.id}/documents`, [rec.id, rec.version, issued, tick]);
  const [open, setOpen] = useState(null); // { id, act: 'publish' | 'withdraw' }
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  // A department reading a case transferred to it is not the township's head.
  const head = me.roles.includes('leader') && !received;
  if (error) return html`<p class="hint">${t('publication')}: ${error === 'offline' ? t('offline') : error}</p>`;
  const decisions = (docs || []).filter((d) => d.public_sha256);
  if (!decisions.length) return null;
  const kinds = workflow.records.case.documents || {};

  function start(doc, act) {
    setReason('');
    setOpen({ id: doc.id, act });
  }
  async function confirm(doc) {
    const act = open.act;
    setBusy(true);
    try {
      const body = act === 'withdraw' ? { reason: reason.trim() } : undefined;
      await authed(`/documents/${doc.id}/${act}`, { method: 'POST', body });
      setOpen(null);
      setTick((n) => n + 1);
      toast(t(act === 'publish' ? 'pub_published' : 'pub_withdrawn'));
    } catch (err) {
      toast(err instanceof Offline ? t('offline') : err.message);
    } finally {
      setBusy(false);
    }
  }
  async function preview(doc) {
    try {
      saveBlob(await authedBlob(`/documents/${doc.id}.pdf?public=1`), `${doc.act_code}-public.pdf`);
    } catch (err) {
      toast(err instanceof Offline ? t('offline') : err.message);
    }
  }

  const chip = { unpublished: 'st-status', published: 'st-done', withdrawn: 'st-attention' };
  const stateText = (d, state) => t(`pub_state_${state}`, { d: chinaDate(state === 'withdrawn' ? d.withdrawn_at : d.published_at) });
  const form = (d) =>
    open.act === 'publish'
      ? html`<div class="pub-form" data-pub-form="publish">
        <p>${t('pub_what')}</p>
        <button type="button" class="link-ink" data-action="preview-public" onClick=${() => preview(d)}>${t('pub_preview')}</button>
        <div class="actions"><button type="button" class="secondary" onClick=${() => setOpen(null)}>${t('cancel')}</button>
          <button type="button" class="primary" data-action="confirm-publish" disabled=${busy} onClick=${() => confirm(d)}>${t('pub_confirm')}</button></div>
      </div>`
      : html`<div class="pub-form" data-pub-form="withdraw">
        <p class="warn">${t('pub_withdraw_rule')}</p>
        <${Field} label=${`${t('pub_reason')} *`} hint=${t('pub_reason_hint')}>
          <textarea name="withdraw_reason" rows="3" maxlength="2000" required value=${reason} onInput=${(e) => setReason(e.currentTarget.value)} /></${Field}>
        <div class="actions"><button type="button" class="secondary" onClick=${() => setOpen(null)}>${t('cancel')}</button>
          <button type="button" class="primary" data-action="confirm-withdraw" disabled=${busy || !reason.trim()} onClick=${() => confirm(d)}>${t('pub_withdraw_confirm')}</button></div>
      </div>`;
  return html`<section class="box publication" data-publication=${rec.id}>
    <h2>${t('publication')}</h2>
    <p class="hint">${t('pub_hint')}</p>
    <ul class="list">${decisions.map((d) => {
      const state = publicationState(d);
      return html`<li class="row" data-publish-doc=${d.id} data-state=${state}>
        <span class="title">${d.doc_number}</span>
        <span class=${`chip ${chip[state]}`} data-publication-state=${state}>${stateText(d, state)}</span>
        <span class="meta">${L((kinds[d.kind] || {}).label) || d.kind} · ${d.act_code}</span>
        ${state === 'withdrawn' ? html`<span class="meta" data-withdrawal-reason>${t('pub_reason')}：${d.withdrawal_reason}</span>` : null}
        ${
          head && open && open.id === d.id
            ? form(d)
            : head && state === 'unpublished'
              ? html`<div class="actions"><button type="button" class="primary" data-action="publish" onClick=${() => start(d, 'publish')}>${t('pub_publish')}</button></div>`
              : head && state === 'published'
                ? html`<div class="actions"><button type="button" class="secondary" data-action="withdraw" onClick=${() => start(d, 'withdraw')}>${t('pub_withdraw')}</button>
              <a class="secondary pub-public-link" href="#/public" target="_blank" rel="noopener">${t('pub_see_public')}</a></div>`
                : null
        }
      </li>`;
    })}</ul>
    ${head ? null : html`<p class="hint" data-publication-readonly="yes">${t('pub_only_head')}</p>`}
  </section>`;
}

// -- the map of clues ------------------------------------------------------------------------
