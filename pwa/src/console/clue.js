// A clue at the desk: everything known about it and the steps it offers.
import { useMemo, useState } from 'preact/hooks';
import { offered, useRecords } from '../cases.js';
import { L, t, when } from '../i18n.js';
import { townshipPath } from '../rules.js';
import { MapView } from '../map.js';
import * as box from '../outbox.js';
import { pickedFix } from '../screens.js';
import { StateChip, html } from '../ui.js';
import { SUPERVISING_ROLES, useFetched } from './common.js';
import { Gallery, Timeline } from './evidence.js';
import { Conflicts, Duplicates, StepForm } from './steps.js';
import { useApp } from '../app.js';

/** An address-only report (无定位) placed at the desk: the dispatcher taps the place on the
 * map and saves; the server makes it 地图选点 and its stamp and the audit log name him. */
function SetPlace({ rec, workflow, me, settings, toast }) {
  const [picked, setPicked] = useState(null);
  const rules = workflow.records.clue.fields.location.edit;
  const allowed = rules.some((r) => r.in.includes(rec.status) && r.who.some((w) => me.roles.includes(w)));
  const points = useMemo(
    () => (picked ? [{ id: 'picked', lat: picked.lat, lng: picked.lng, label: t('picked'), kind: 'open' }] : []),
    [picked],
  );
  if (rec.location || !allowed) return null;
  async function save() {
    await box.record(me.id, [
      { record_type: 'clue', record_id: rec.id, op: 'update', base_version: rec.version || null, payload: { location: pickedFix(picked) } },
    ]);
    toast(t('place_saved'));
    setPicked(null);
  }
  return html`<section class="box" data-set-place>
    <h2>${t('set_place')}</h2>
    <p class="hint">${t('set_place_hint')}</p>
    <${MapView} points=${points} tiles=${settings && settings.map} height=${300} onMapClick=${(p) => setPicked({ ...p, at: new Date().toISOString() })} />
    ${picked ? html`<p class="fix" data-picked>${t('picked')}：${picked.lat.toFixed(6)}, ${picked.lng.toFixed(6)}</p>` : null}
    <div class="actions"><button type="button" class="primary" disabled=${!picked} onClick=${save}>${t('save')}</button></div>
  </section>`;
}

/** A record's unit with its township before it (「航埠镇 · 北二村第1网格」), from the unit tree. */
function withTownship(rec, units) {
  const path = rec.unit_path || ((units || []).find((u) => u.code === rec.unit_code) || {}).path;
  const township = path && (units || []).find((u) => u.path === townshipPath(path));
  return township && township.name !== rec.unit_name ? `${township.name} · ${rec.unit_name}` : rec.unit_name;
}

export function ConsoleClue({ id }) {
  const { me, workflow, matters, people, departments, version, toast, settings } = useApp();
  const clues = useRecords('clue', workflow, me, version);
  const conflicts = useRecords('conflict', workflow, me, version);
  const [step, setStep] = useState(null);
  // A county desk sees several townships' clues: the unit names the township as well.
  const county = !!(me.unit && me.unit.level === 'county');
  const [units] = useFetched(county ? '/units' : null, [county]);
  if (!clues || !conflicts) return null;
  const rec = clues.find((r) => r.id === id);
  if (!rec) return html`<main class="console"><p>${t('not_found')}</p></main>`;
  const spec = workflow.records.clue;
  const steps = offered(workflow, 'clue', rec, me).filter(([n]) => !['take', 'handle', 'withdraw', 'rate'].includes(n));
  const matter = matters.find((m) => m.code === rec.matter_code);
  // A department reading a transfer sees neither the township's warning nor its audit trail
  // (the timeline is the township staff's: server/clues/api.py).
  const department = me.roles.includes('department') && !SUPERVISING_ROLES.some((r) => me.roles.includes(r));
  const notEmpowered = matter && matter.empowered === false && !department && !rec.transferred_to;
  const others = (rec.possible_duplicates || []).map((l) => clues.find((c) => c.id === l.clue_id)).filter(Boolean);
  const points = [rec, ...others]
    .filter((c) => c.location)
    .map((c) => ({
      id: c.id,
      lat: c.location.lat,
      lng: c.location.lng,
      accuracy_m: c.location.accuracy_m,
      label: c.code || '',
      kind: c.id === rec.id ? 'open' : 'other',
    }));
  const fact = (k, v) => (v ? html`<dt>${t(k)}</dt><dd data-fact=${k}>${v}</dd>` : null);
  const dissuasion = rec.dissuasion || {};
  const handling = rec.handling_outcome ? L(spec.transitions.handle.args.outcome.labels[rec.handling_outcome]) : null;
  const assignee = rec.assignee_id
    ? (people.find((p) => p.id === rec.assignee_id) || {}).display_name
    : rec.status === 'assigned'
      ? t('the_team')
      : null;
  return html`<main class="console record" data-clue=${rec.id}>
    <p><a href="#/console">← ${t('inbox')}</a></p>
    <h1>${rec.matter_name || rec.matter_code} <span class="chip st-status" data-status=${rec.status}>${L(spec.statuses[rec.status])}</span>
      ${rec.local ? html`<${StateChip} state=${rec.local} />` : null}</h1>
    <div class="columns">
      <div>
        <dl class="facts">
          ${fact('clue', rec.code)}
          ${fact('unit', county ? withTownship(rec, units) : rec.unit_name)}
          ${fact('address', rec.address)}
          ${fact('description', rec.description)}
          ${fact('reporter', rec.reporter_name)}
          ${fact('reported_at', rec.created_at && `${when(rec.created_at)}${rec.clock_skew_s != null && Math.abs(rec.clock_skew_s) > 300 ? ` · ${t('clock_off', { h: (rec.clock_skew_s / 3600).toFixed(1) })}` : ''}`)}
          ${fact('location', rec.location ? `${rec.location.lat.toFixed(5)}, ${rec.location.lng.toFixed(5)} · ${t('accuracy', { m: Math.round(rec.location.accuracy_m) })}` : t('unit_from_reporter'))}
          ${fact('location_source', rec.location_source && rec.location_source !== 'gps' && L(spec.fields.location_source.labels[rec.location_source]))}
          ${fact(
            'dissuasion',
            dissuasion.done
              ? `${L(spec.fields.dissuasion.labels[dissuasion.result]) || ''} · ${when(dissuasion.at)}`
              : dissuasion.result
                ? t('not_dissuaded_because', { why: L(spec.fields.dissuasion.labels[dissuasion.result]) })
                : t('not_dissuaded'),
          )}
          ${fact('assignee', assignee)}
          ${fact('due', rec.deadline && when(rec.deadline))}
          ${fact('handling', handling && `${handling}${rec.handling_note ? ` · ${rec.handling_note}` : ''}`)}
          ${fact('return_comment', rec.return_comment)}
          ${fact('reject_reason', rec.reject_reason)}
          ${fact('transferred_to', rec.transferred_to && (((departments || []).find((d) => d.code === rec.transferred_to) || {}).name || rec.transferred_to))}
          ${fact('transfer_note', rec.transfer_note)}
          ${fact('department_case_no', rec.department_case_no)}
          ${fact('transfer_returned_reason', rec.transfer_returned_reason)}
          ${fact('arbitration_note', rec.arbitration_note)}
          ${fact('department_result', rec.department_result)}
          ${fact('feedback', rec.feedback !== rec.department_result ? rec.feedback : null)}
          ${fact('rating', rec.rating && '★'.repeat(rec.rating))}
        </dl>
        ${notEmpowered ? html`<p class="warn" data-not-empowered="yes">${t('not_empowered', { d: ((departments || []).find((d) => d.code === matter.department_code) || {}).name || matter.department_code || '' })}</p>` : null}
        ${
          step
            ? html`<${StepForm} type="clue" rec=${rec} name=${step.name} preset=${step.preset} workflow=${workflow} me=${me} people=${people} clues=${clues} toast=${toast} done=${() => setStep(null)} />`
            : html`<div class="actions wrap">${steps.map(([n, s]) => html`<button type="button" class=${n === 'transfer' && notEmpowered ? 'primary' : 'secondary'} data-transition=${n} onClick=${() => setStep({ name: n, preset: {} })}>${L(s.label)}</button>`)}</div>`
        }
      </div>
      <div>
        ${
          rec.location
            ? html`<${MapView} points=${points} tiles=${settings && settings.map} height=${300} />`
            : html`<${SetPlace} rec=${rec} workflow=${workflow} me=${me} settings=${settings} toast=${toast} />`
        }
        <${Gallery} clueId=${rec.id} workflow=${workflow} version=${version} toast=${toast} />
      </div>
    </div>
    <${Duplicates} rec=${rec} clues=${clues} workflow=${workflow}
      choose=${steps.some(([n]) => n === 'mark_duplicate') ? (other) => setStep({ name: 'mark_duplicate', preset: { duplicate_of: other } }) : null} />
    <${Conflicts} rec=${rec} workflow=${workflow} me=${me} people=${people} matters=${matters} conflicts=${conflicts} toast=${toast} />
    ${!department && (rec.local === undefined || rec.version) ? html`<${Timeline} clueId=${rec.id} workflow=${workflow} version=${`${version}:${rec.version}`} />` : null}
  </main>`;
}
