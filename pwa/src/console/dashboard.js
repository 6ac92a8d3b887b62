// The 4×100% dashboard: the figures by unit and period, printable.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Offline } from '../api.js';
import { L, t } from '../i18n.js';
import { authedBlob } from '../session.js';
import { Field, html, saveBlob } from '../ui.js';
import { useFetched } from './common.js';
import { useApp } from '../app.js';

const FIGURES = ['response', 'disposal', 'satisfaction', 'stopped_by_dissuasion'];
const LATE = ['open_overdue', 'handled_late'];

export function pct(f) {
  return f && f.share != null ? `${(f.share * 100).toFixed(1)}%` : '—';
}

function BarChart({ rows }) {
  const canvas = useRef(null);
  useEffect(() => {
    let chart = null;
    let alive = true;
    import('../charts.js').then(({ bars }) => {
      if (alive && canvas.current)
        chart = bars(
          canvas.current,
          rows,
          FIGURES.map((f) => t(`fig_${f}`)),
          FIGURES,
        );
    });
    return () => {
      alive = false;
      if (chart) chart.destroy();
    };
  }, [rows]);
  return html`<div class="chart"><canvas ref=${canvas} aria-label=${t('dashboard')} role="img"></canvas></div>`;
}

export function Dashboard() {
  const { me, toast } = useApp();
  // No period chosen: the server's default, this year to date in China's days.
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [by, setBy] = useState('unit');
  const [unit, setUnit] = useState(me.unit && me.unit.code);
  const query = new URLSearchParams({ by, ...(from ? { from } : {}), ...(to ? { to } : {}) }).toString();
  const [data, error] = useFetched(`/units/${unit}/dashboard?${query}`, [unit, query]);
  async function download(format) {
    try {
      const blob = await authedBlob(`/units/${unit}/dashboard.${format}?${query}`);
      saveBlob(blob, `dashboard-${unit}-${data ? `${data.from}-${data.to}` : ''}.${format}`);
    } catch (err) {
      toast(err instanceof Offline ? t('offline') : err.message);
    }
  }
  const figureCells = (r) =>
    [...FIGURES, ...LATE].map(
      (f) =>
        html`<td data-figure=${f} data-count=${r[f] ? r[f].count : ''} data-of=${r[f] ? r[f].of : ''}>${pct(r[f])} <span class="hint">${r[f] ? `${r[f].count}/${r[f].of}` : ''}</span></td>`,
    );
  const ind = data && data.indicators;
  // On paper the page says what it is, whose and which days (the Excel file's title row).
  const heading = data
    ? `${L(data.names.title)} · ${data.unit_name} · ${t('period_of', { from: data.from, to: data.to })}`
    : t('dashboard');
  return html`<main class="console wide dashboard">
    <h1 data-title=${data ? 'yes' : 'no'}>${heading}</h1>
    <div class="filters">
      <${Field} label=${t('from')}><input type="date" name="from" value=${from || (data && data.from) || ''} onChange=${(e) => setFrom(e.currentTarget.value)} /></${Field}>
      <${Field} label=${t('to')}><input type="date" name="to" value=${to || (data && data.to) || ''} onChange=${(e) => setTo(e.currentTarget.value)} /></${Field}>
      <${Field} label=${t('group_by')}><select name="by" value=${by} onChange=${(e) => setBy(e.currentTarget.value)}>
        ${['unit', 'officer', 'category'].map((b) => html`<option value=${b}>${t(`by_${b}`)}</option>`)}</select></${Field}>
      <button type="button" class="secondary" data-export="xlsx" onClick=${() => download('xlsx')}>${t('export_xlsx')}</button>
      <button type="button" class="secondary" data-export="csv" onClick=${() => download('csv')}>${t('export_csv')}</button>
      <button type="button" class="secondary" data-action="print" onClick=${() => window.print()}>${t('print')}</button>
    </div>
    ${error ? html`<p class="error" role="alert">${error === 'offline' ? t('offline') : error}</p>` : null}
    ${
      data
        ? html`
      <table class="grid figures" data-totals="yes">
        <thead><tr><th>${t(`by_${by}`)}</th><th>${t('fig_reported')}</th>${[...FIGURES, ...LATE].map((f) => html`<th>${t(`fig_${f}`)}</th>`)}<th>${t('fig_median_response')}</th></tr></thead>
        <tbody>
          ${data.rows.map(
            (r) => html`<tr data-row=${r.key ?? ''}>
            <td>${
              by === 'unit' && r.key
                ? html`<button type="button" class="link-ink" onClick=${() => {
                    setUnit(r.key);
                  }}>${r.label}</button>`
                : r.label || t('nobody')
            }</td>
            <td data-figure="reported">${r.reported}</td>${figureCells(r)}<td>${r.median_response_hours ?? '—'}</td></tr>`,
          )}
          <tr class="total" data-row="total"><th>${t('total')}</th><td data-figure="reported">${data.totals.reported}</td>${figureCells(data.totals)}<td>${data.totals.median_response_hours ?? '—'}</td></tr>
        </tbody>
      </table>
      ${data.rows.length ? html`<${BarChart} rows=${data.rows} />` : null}
      ${
        ind
          ? html`<section class="box indicators"><h2>${t('four_100')}</h2><ul class="kpis">
        ${Object.keys(data.names.indicators).map((k) => html`<li data-indicator=${k}><span class="big-number">${pct(ind[k])}</span><span data-name=${k}>${L(data.names.indicators[k])}</span><span class="hint">${ind[k] ? `${ind[k].count}/${ind[k].of}` : ''}</span></li>`)}
      </ul></section>`
          : null
      }
      ${unit !== (me.unit && me.unit.code) ? html`<button type="button" class="secondary" onClick=${() => setUnit(me.unit.code)}>${t('back_to_my_unit')}</button>` : null}`
        : null
    }
  </main>`;
}
