// The console's map: the clues as points coloured by status, with a legend, and those with
// no coordinates counted and listed.
import { useState } from 'preact/hooks';
import { clock, useRecords } from '../cases.js';
import { t } from '../i18n.js';
import { Legend, MapView } from '../map.js';
import { ChoiceSelect, html } from '../ui.js';
import { HOUR, go } from './common.js';
import { useApp } from '../app.js';

export function ConsoleMap() {
  const { me, workflow, matters, version, settings } = useApp();
  const clues = useRecords('clue', workflow, me, version);
  const [status, setStatus] = useState('');
  const [domain, setDomain] = useState('');
  const [days, setDays] = useState('30');
  const [listOff, setListOff] = useState(false);
  if (!clues) return null;
  const spec = workflow.records.clue;
  const since = days ? Date.now() - Number(days) * 24 * HOUR : 0;
  const now = Date.now();
  const chosen = clues.filter(
    (c) =>
      (!status || c.status === status) &&
      (!domain || (matters.find((m) => m.code === c.matter_code) || {}).domain === domain) &&
      (!since || Date.parse(c.created_at) >= since),
  );
  const shown = chosen.filter((c) => c.location);
  // Reported with an address only (无定位): no point to draw, so counted and listed instead.
  const offMap = chosen.filter((c) => !c.location);
  const points = shown.map((c) => ({
    id: c.id,
    lat: c.location.lat,
    lng: c.location.lng,
    label: `${c.code || ''} ${c.matter_name || ''}`,
    kind: clock(spec, c, now).late ? 'late' : spec.closed.includes(c.status) ? 'done' : c.status === 'reported' ? 'new' : 'open',
  }));
  return html`<main class="console wide">
    <h1>${t('map')}</h1>
    <div class="filters">
      <${ChoiceSelect} name="status" label=${t('filter_status')} empty=${t('all_statuses')} spec=${{ choices: Object.keys(spec.statuses), labels: spec.statuses }} value=${status} onChange=${(v) => setStatus(v || '')} />
      <select name="domain" aria-label=${t('filter_domain')} value=${domain} onChange=${(e) => setDomain(e.currentTarget.value)}>
        <option value="">${t('all_domains')}</option>${[...new Set(matters.map((m) => m.domain))].map((d) => html`<option value=${d}>${d}</option>`)}
      </select>
      <select name="days" aria-label=${t('filter_days')} value=${days} onChange=${(e) => setDays(e.currentTarget.value)}>
        ${['7', '30', '365', ''].map((d) => html`<option value=${d}>${d ? t('last_days', { n: d }) : t('all_time')}</option>`)}
      </select>
      <span data-shown=${shown.length}>${t('n_clues', { n: shown.length })}</span>
    </div>
    ${
      offMap.length
        ? html`<div class="off-map" data-off-map=${offMap.length}>
      <span>${t('no_coords_count', { n: offMap.length })}</span>
      <button type="button" class="secondary small" aria-expanded=${listOff} onClick=${() => setListOff(!listOff)}>${listOff ? t('hide_them') : t('list_them')}</button>
      ${
        listOff
          ? html`<ul class="list">${offMap.map(
              (c) => html`<li><a class="row" href=${`#/clue/${c.id}`} data-off-map-clue=${c.id}>
        <span class="title">${c.code || ''} ${c.matter_name || ''}</span><span class="meta">${c.address}</span></a></li>`,
            )}</ul>`
          : null
      }
    </div>`
        : null
    }
    <${MapView} points=${points} tiles=${settings && settings.map} height=${560} cluster=${true} onPick=${(p) => go(`#/clue/${p.id}`)} />
    <${Legend} points=${points} label=${t} />
  </main>`;
}

// -- the dashboard ---------------------------------------------------------------------------
