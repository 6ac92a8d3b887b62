// What a decision on a case rests on, for the reviewer and the head at the desk: the law the
// matter names (the provision violated, the one setting the penalty, its range), the
// published discretion standard with the level the notice chose (art. 34), the opinions
// already given (opening, legal review: art. 58), and each inspection record's own text.
import { useRecords } from './cases.js';
import { L, t, when } from './i18n.js';
import { fenToYuan, html } from './ui.js';

function personName(people, id) {
  return ((people || []).find((p) => p.id === id) || {}).display_name || (id == null ? '' : String(id));
}

function range(level) {
  return `${fenToYuan(level.fine_fen[0])}–${fenToYuan(level.fine_fen[1])} ${t('yuan')}`;
}

/** The law, the standard and the opinions on this case. */
export function Basis({ rec, matters, people }) {
  const matter = matters.find((m) => m.code === rec.matter_code) || {};
  const chosen = rec.discretion && rec.discretion.level;
  const fact = (key, value) => (value ? html`<dt>${t(key)}</dt><dd data-basis=${key}>${value}</dd>` : null);
  const levels = matter.discretion || [];
  return html`<section class="box basis" data-basis-of=${rec.id}><h2>${t('decision_basis')}</h2>
    <dl class="facts">
      ${fact('legal_basis', matter.legal_basis)}
      ${fact('penalty_basis', matter.penalty_basis || (matter.legal_basis && t('same_as_legal_basis')))}
      ${fact('penalty_range', matter.penalty_range)}
      ${fact('opening_opinion', rec.opening_opinion && `${rec.opening_opinion}（${personName(people, rec.opened_by)}）`)}
      ${fact('review_opinion', rec.review_opinion && `${rec.review_opinion}（${personName(people, rec.reviewed_by)}）`)}
    </dl>
    ${
      levels.length
        ? html`<h3>${t('discretion_standard')}</h3>
      <table class="grid discretion"><thead><tr><th>${t('discretion_level')}</th><th>${t('discretion_condition')}</th><th>${t('discretion_fine')}</th></tr></thead>
      <tbody>${levels.map(
        (
          lv,
        ) => html`<tr data-level=${lv.level} class=${lv.level === chosen ? 'chosen' : ''} aria-current=${lv.level === chosen ? 'true' : null}>
        <td>${lv.level}${lv.level === chosen ? html` <span class="chip st-status">${t('discretion_chosen')}</span>` : null}</td><td>${lv.condition}</td><td>${range(lv)}</td></tr>`,
      )}</tbody></table>`
        : html`<p class="hint" data-basis="no_discretion">${t('no_discretion_standard')}</p>`
    }
  </section>`;
}

/** Each inspection record of the case as written: who, when, where, what was found. */
export function InspectionRecords({ rec, workflow, me, people, version }) {
  const all = useRecords('inspection', workflow, me, version);
  if (!all) return null;
  const mine = all
    .filter((i) => i.case_id === rec.id || i.parent_id === rec.id)
    .sort((a, b) => (a.started_at || '').localeCompare(b.started_at || ''));
  if (!mine.length) return null;
  const yes = (v) => t(v ? 'yes' : 'no');
  return html`<section class="box inspections"><h2>${L(workflow.records.inspection.label)} (${mine.length})</h2>
    ${mine.map(
      (i) => html`<article class="inspection" data-inspection=${i.id}>
      <h3>${i.code || ''}</h3>
      <dl class="facts">
        <dt>${t('inspection_time')}</dt><dd>${when(i.started_at)} – ${when(i.ended_at)}</dd>
        <dt>${t('place')}</dt><dd>${i.place || ''}</dd>
        <dt>${t('co_officers')}</dt><dd>${(i.officers || []).map((id) => personName(people, id)).join('、')}</dd>
        <dt>${t('certificates_shown')}</dt><dd>${yes(i.certificates_shown)}</dd>
        <dt>${t('party_present')}</dt><dd>${yes(i.party_present)}</dd>
        ${i.party_refusal ? html`<dt>${t('party_refusal')}</dt><dd>${i.party_refusal}</dd>` : null}
        <dt>${t('findings')}</dt><dd class="text" data-findings=${i.id}>${i.findings || ''}</dd>
      </dl></article>`,
    )}
  </section>`;
}
