// A step taken at the desk: its form (the workflow's args), the duplicates and conflicts a
// clue shows beside it, and what a device sent whole.
import { useState } from 'preact/hooks';
import { offered } from '../cases.js';
import { L, t, when } from '../i18n.js';
import { chinaMinute } from '../rules.js';
import * as box from '../outbox.js';
import { ArgsForm, Field, argsComplete, argsValues, html, localToIso } from '../ui.js';
import { HOUR, assignees, km, same, twin, value } from './common.js';

/** What a device sent whole and the server did not apply as sent (R1: the same mutation id
 * with other content; R2: a record id already taken): the step, then each field it carried,
 * those that differ from the record shown above marked, so the desk reads a difference,
 * not JSON. */
function SentWhole({ sent, rec, workflow, matters }) {
  if (!sent || typeof sent !== 'object' || !sent.payload) return value(sent);
  const spec = workflow.records[sent.record_type];
  const step = sent.op === 'transition' && spec && spec.transitions[sent.payload.name];
  const what = step ? L(step.label) : `${t(`op_${sent.op}`)} ${spec ? L(spec.label) : sent.record_type}`;
  const fields = step ? sent.payload.args || {} : sent.payload;
  const mine = sent.record_id === rec.id && !step;
  const fieldSpecs = (spec && spec.fields) || {};
  const choice = (k, x) => (fieldSpecs[k] && fieldSpecs[k].labels && L(fieldSpecs[k].labels[x])) || x;
  const named = (k, x) => {
    if (k === 'matter_code') return (matters.find((m) => m.code === x) || {}).name || x;
    if (x && typeof x === 'object' && 'done' in x) return value({ ...x, result: x.result && choice(k, x.result) });
    return typeof x === 'string' ? choice(k, x) : value(x);
  };
  return html`<div class="sent-whole"><strong>${what}</strong><dl>${Object.entries(fields).map(([k, x]) => {
    const differs = mine && k in rec && !same(rec[k], x);
    return html`<div data-field=${k} data-differs=${differs ? 'yes' : 'no'} class=${differs ? 'differs' : ''}><dt>${t(k)}</dt><dd>${named(k, x)}</dd></div>`;
  })}</dl></div>`;
}

/** A step's form in the console: the workflow's args, with pickers for officers and clues. */
export function StepForm({ type, rec, name, workflow, me, people, clues, toast, done, preset = {} }) {
  const step = workflow.records[type].transitions[name];
  const [values, setValues] = useState(() => {
    const start = { ...preset };
    if (step.args.deadline && !start.deadline) {
      start.deadline = localToIso(chinaMinute(Date.now() + 3 * 24 * HOUR));
    }
    return start;
  });
  const special = {};
  const rest = {};
  for (const [k, s] of Object.entries(step.args)) (s.type === 'officer' || s.type === 'record' ? special : rest)[k] = s;
  async function save() {
    const args = argsValues(step.args, values);
    await box.record(me.id, [
      { record_type: type, record_id: rec.id, op: 'transition', base_version: rec.version || null, payload: { name, args } },
    ]);
    toast(t('sent_toast'));
    done();
  }
  const set = (k, v) => setValues({ ...values, [k]: v });
  return html`<section class="box step-form" data-step=${name}><h2>${L(step.label)}</h2>
    ${step.explains ? html`<p class="explains">${L(step.explains)}</p>` : null}
    ${Object.entries(special).map(([k, s]) =>
      s.type === 'officer'
        ? html`<${Field} label=${`${t(k)}${s.required ? ' *' : ''}`} hint=${t('assignee_hint')}>
          <select name=${k} value=${values[k] ?? ''} onChange=${(e) => set(k, e.currentTarget.value ? Number(e.currentTarget.value) : null)}>
            <option value="">${t('the_team')}</option>
            ${assignees(people, clues, rec, workflow.records.clue.clocks.deadline.running).map((a) => html`<option value=${a.person.id} data-open=${a.open}>${a.person.display_name} · ${t('open_n', { n: a.open })}${a.distance != null ? ` · ${km(a.distance)}` : ''}</option>`)}
          </select></${Field}>`
        : html`<${Field} label=${`${t(k)}${s.required ? ' *' : ''}`}>
          <select name=${k} required=${s.required} value=${values[k] ?? ''} onChange=${(e) => set(k, e.currentTarget.value || null)}>
            <option value="">${t('choose')}</option>
            ${clues
              .filter((c) => c.id !== rec.id && !['withdrawn', 'duplicate', 'rejected'].includes(c.status))
              .sort((a, b) => Number(!twin(rec, a)) - Number(!twin(rec, b)))
              .slice(0, 200)
              .map(
                (c) =>
                  html`<option value=${c.id}>${c.code || c.id.slice(0, 8)} · ${c.matter_name || c.matter_code} · ${when(c.created_at)}</option>`,
              )}
          </select></${Field}>`,
    )}
    <${ArgsForm} args=${rest} values=${values} setValues=${setValues} />
    <div class="actions"><button type="button" class="secondary" onClick=${done}>${t('cancel')}</button>
    <button type="button" class="primary" data-action="save-step" disabled=${!argsComplete(step.args, values)} onClick=${save}>${step.commit ? L(step.commit) : t('confirm')}</button></div>
  </section>`;
}

/** Two clues side by side: the one in hand and a suspected duplicate (R8), in place and time. */
export function Duplicates({ rec, clues, workflow, choose }) {
  const links = rec.possible_duplicates || [];
  if (!links.length) return null;
  const others = links.map((l) => ({ ...l, other: clues.find((c) => c.id === l.clue_id) })).filter((l) => l.other);
  return html`<section class="box duplicates"><h2>${t('possible_duplicates')}</h2>
    <table class="grid side"><thead><tr><th></th><th>${t('this_clue')}</th>${others.map((l) => html`<th>${l.other.code || ''} · ${km(l.distance_m)}</th>`)}</tr></thead>
    <tbody>
      <tr><th>${t('reported_at')}</th><td>${when(rec.created_at)}</td>${others.map((l) => html`<td>${when(l.other.created_at)}</td>`)}</tr>
      <tr><th>${t('reporter')}</th><td>${rec.reporter_name || ''}</td>${others.map((l) => html`<td>${l.other.reporter_name || ''}</td>`)}</tr>
      <tr><th>${t('address')}</th><td>${rec.address || ''}</td>${others.map((l) => html`<td>${l.other.address || ''}</td>`)}</tr>
      <tr><th>${t('description')}</th><td>${rec.description || ''}</td>${others.map((l) => html`<td>${l.other.description || ''}</td>`)}</tr>
      <tr><th>${t('status')}</th><td>${L(workflow.records.clue.statuses[rec.status])}</td>${others.map((l) => html`<td>${L(workflow.records.clue.statuses[l.other.status])}</td>`)}</tr>
      ${choose ? html`<tr><th></th><td></td>${others.map((l) => html`<td><button type="button" class="secondary small" data-duplicate-of=${l.clue_id} onClick=${() => choose(l.clue_id)}>${t('mark_duplicate_of')}</button></td>`)}</tr>` : null}
    </tbody></table></section>`;
}

export function Conflicts({ rec, workflow, me, people, matters, conflicts, toast }) {
  const open = conflicts.filter((c) => c.record_id === rec.id && c.status === 'open');
  const [resolving, setResolving] = useState(null);
  if (!open.length) return null;
  const name = (id) => (people.find((p) => p.id === id) || {}).display_name || id;
  return html`<section class="box conflicts"><h2>${t('conflicts')}</h2>
    <div class="scroll"><table class="grid"><thead><tr><th>${t('field')}</th><th>${t('server_value')}</th><th>${t('device_value')}</th><th></th></tr></thead>
    <tbody>${open.map(
      (c) => html`<tr data-conflict=${c.id}><td>${t(c.field)}</td>
      <td>${c.field === '*' ? t('whole_server') : value(c.server_value)} <span class="hint">${name(c.server_by)}</span></td>
      <td>${c.field === '*' ? html`<${SentWhole} sent=${c.device_value} rec=${rec} workflow=${workflow} matters=${matters} />` : value(c.device_value)} <span class="hint">${name(c.device_by)}</span></td>
      <td>${offered(workflow, 'conflict', c, me).map(([n, s]) => html`<button type="button" class="secondary small" data-transition=${n} onClick=${() => setResolving(c)}>${L(s.label)}</button>`)}</td></tr>`,
    )}</tbody></table></div>
    ${resolving ? html`<${StepForm} type="conflict" rec=${resolving} name="resolve" workflow=${workflow} me=${me} people=${people} clues=${[]} toast=${toast} done=${() => setResolving(null)} />` : null}
  </section>`;
}
