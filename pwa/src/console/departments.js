// The county departments' board and the copies addressed to a department.
import { useState } from 'preact/hooks';
import { Offline } from '../api.js';
import { penaltyText } from '../cases.js';
import { L, t } from '../i18n.js';
import { authedBlob } from '../session.js';
import { Field, html, saveBlob } from '../ui.js';
import { useFetched } from './common.js';
import { pct } from './dashboard.js';
import { useApp } from '../app.js';

const DEPARTMENT_FIGURES = ['answered', 'answered_in_time', 'transfer_accepted', 'transfer_concluded'];
/** The record each open item on the departments board is, and the page it opens. */
const OPEN_RECORD = { collaboration: 'collaboration', transfer: 'clue', case_transfer: 'case' };

/**
 * 部门协同: what the unit's townships asked or transferred to each county department and
 * is still open, the overdue first, and how each department answered over a period (the
 * figures the evaluation of departments reads; server/console/departments.py).
 */
export function DepartmentsBoard() {
  const { me, workflow, departments, toast } = useApp();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const query = new URLSearchParams({ ...(from ? { from } : {}), ...(to ? { to } : {}) }).toString();
  const unit = me.unit && me.unit.code;
  const [data, error] = useFetched(`/units/${unit}/departments?${query}`, [unit, query]);
  const deptName = (code) => ((departments || []).find((d) => d.code === code) || {}).name || code;
  const status = (i) => L(workflow.records[OPEN_RECORD[i.kind]].statuses[i.status]) || i.status;
  async function download() {
    try {
      const blob = await authedBlob(`/units/${unit}/departments.xlsx?${query}`);
      saveBlob(blob, `departments-${unit}-${data ? `${data.from}-${data.to}` : ''}.xlsx`);
    } catch (err) {
      toast(err instanceof Offline ? t('offline') : err.message);
    }
  }
  return html`<main class="console wide departments-board">
    <h1>${t('departments_board')}${data ? html` <span class="hint">${t('period_of', { from: data.from, to: data.to })}</span>` : null}</h1>
    <div class="filters">
      <${Field} label=${t('from')}><input type="date" name="from" value=${from || (data && data.from) || ''} onChange=${(e) => setFrom(e.currentTarget.value)} /></${Field}>
      <${Field} label=${t('to')}><input type="date" name="to" value=${to || (data && data.to) || ''} onChange=${(e) => setTo(e.currentTarget.value)} /></${Field}>
      <button type="button" class="secondary" data-action="export-departments" disabled=${!data} onClick=${download}>${t('export_xlsx')}</button>
    </div>
    ${error ? html`<p class="warn" role="alert">${error === 'offline' ? t('offline') : error}</p>` : null}
    ${
      data
        ? html`<section class="box"><h2>${t('open_requests')} <span class="n" data-total=${data.open.total}>${data.open.total}</span>
        ${data.open.overdue ? html` <strong class="overdue">${t('overdue')} ${data.open.overdue}</strong>` : null}</h2>
      ${data.open.items.length < data.open.total ? html`<p class="hint">${t('first_n', { n: data.open.items.length })}</p>` : null}
      ${
        data.open.items.length
          ? html`<div class="scroll"><table class="grid" data-rows=${data.open.items.length}>
        <thead><tr><th>${t('code')}</th><th>${t('kind')}</th><th>${t('department')}</th><th>${t('requested_by')}</th><th>${t('sent_on')}</th><th>${t('due')}</th><th>${t('status')}</th></tr></thead>
        <tbody>${data.open.items.map(
          (i) => html`<tr class=${i.overdue ? 'late' : ''} data-open=${i.id} data-kind=${i.kind}>
          <td><a href=${`#/${OPEN_RECORD[i.kind]}/${i.id}`}>${i.code}</a></td>
          <td>${t(`kind_${i.kind}`)}</td><td>${deptName(i.department)}</td><td>${i.unit}</td><td>${i.since}</td>
          <td>${i.due || ''}${i.overdue ? html` <strong class="overdue">${t('overdue')}</strong>` : null}</td><td>${status(i)}</td></tr>`,
        )}</tbody>
      </table></div>`
          : html`<p>${t('inbox_empty')}</p>`
      }</section>
    <section class="box"><h2>${t('department_rates')}</h2><div class="scroll"><table class="grid figures">
      <thead><tr><th>${t('by_department')}</th><th>${t('fig_requests')}</th>${DEPARTMENT_FIGURES.slice(0, 2).map((f) => html`<th>${t(`fig_${f}`)}</th>`)}<th>${t('fig_refused')}</th><th>${t('fig_open_overdue_dept')}</th>
        <th>${t('fig_transfers')}</th>${DEPARTMENT_FIGURES.slice(2).map((f) => html`<th>${t(`fig_${f}`)}</th>`)}<th>${t('fig_transfer_disputed')}</th></tr></thead>
      <tbody>${data.departments.map(
        (
          d,
        ) => html`<tr data-department=${d.code}><th scope="row">${d.name} <a class="small" href=${`#/copies/${d.code}`}>${t('copies')}</a></th><td>${d.requests}</td>
        ${DEPARTMENT_FIGURES.slice(0, 2).map((f) => html`<td data-figure=${f} data-count=${d[f].count} data-of=${d[f].of}>${pct(d[f])} <span class="hint">${d[f].count}/${d[f].of}</span></td>`)}
        <td>${d.refused}</td><td class=${d.requests_overdue ? 'late' : ''}>${d.requests_overdue}</td><td>${d.transfers}</td>
        ${DEPARTMENT_FIGURES.slice(2).map((f) => html`<td data-figure=${f} data-count=${d[f].count} data-of=${d[f].of}>${pct(d[f])} <span class="hint">${d[f].count}/${d[f].of}</span></td>`)}
        <td>${d.transfer_disputed}</td></tr>`,
      )}</tbody>
    </table></div><p class="hint" data-note="departments">${t('departments_note')}</p></section>`
        : null
    }
  </main>`;
}

const COPIES_PAGE = 50;

/**
 * 抄告: the outcomes of the townships' cases on matters devolved from a department, for its
 * information (no step to take): its own, or, for the county's staff, the one the
 * departments board links to. Never the party: the server sends none.
 */
export function Copies({ id }) {
  const { me, workflow, departments } = useApp();
  const code = id || me.department;
  const [pages, setPages] = useState(1);
  const [data, error] = useFetched(`/departments/${code}/copies?limit=${pages * COPIES_PAGE}`, [code, pages]);
  const name = data ? data.department.name : ((departments || []).find((d) => d.code === code) || {}).name || code;
  const outcome = (i) =>
    i.penalty
      ? penaltyText(workflow, i.penalty)
      : i.transferred_agency
        ? `${t('transferred_to_agency')} ${i.transferred_agency}`
        : i.police_unit
          ? `${t('handed_to')} ${i.police_unit}`
          : '';
  return html`<main class="console wide copies">
    <h1>${t('copies')} · ${name}</h1>
    <p class="hint">${t('copies_hint')}</p>
    ${error ? html`<p class="warn" role="alert">${error === 'offline' ? t('offline') : error}</p>` : null}
    ${
      data && data.items.length
        ? html`<ul class="list" data-total=${data.total}>${data.items.map(
            (i) => html`<li class="row" data-copy=${i.code} data-status=${i.status}>
        <span class="title">${i.matter_name}</span>
        <span class="chip">${L(workflow.records.case.statuses[i.status]) || i.status}</span>
        ${outcome(i) ? html`<span class="text">${t('copy_outcome')}：${outcome(i)}</span>` : null}
        <span class="meta">${i.township} · ${i.code} · ${i.decided_on || i.ended_on || ''}</span>
      </li>`,
          )}</ul>
    ${data.items.length < data.total ? html`<div class="actions"><button type="button" class="secondary" data-action="more" onClick=${() => setPages(pages + 1)}>${t('more_n', { n: data.total - data.items.length })}</button></div>` : null}`
        : null
    }
    ${data && !data.items.length ? html`<p>${t('copies_none')}</p>` : null}
  </main>`;
}
