// 协作: what the desk asks a county department, its answers and files.
import { useState } from 'preact/hooks';
import { Offline } from '../api.js';
import { Estimated, clock, may, offered, useRecords } from '../cases.js';
import { L, t, when } from '../i18n.js';
import { townshipPath } from '../rules.js';
import * as box from '../outbox.js';
import { authed, authedBlob } from '../session.js';
import { ArgsForm, Field, StateChip, argsComplete, argsValues, html, refusalLines, saveBlob, today } from '../ui.js';
import { useFetched } from './common.js';
import { StepForm } from './steps.js';
import { useApp } from '../app.js';

/**
 * 执法协作申请: what this case asked county departments, each with the department's due day
 * (the clock the workflow declares: 5 working days, 10 once extended, counted by the server),
 * its answer, and the steps the workflow offers now (extend, answer, withdraw); a new request
 * from the fields the workflow declares. The server's rules decide; a refusal comes back to
 * the outbox in plain words.
 */
export function Collaborations({ rec, workflow, me, people, departments, version, toast }) {
  const all = useRecords('collaboration', workflow, me, version);
  const [step, setStep] = useState(null); // { name, on } for a step; { name: 'create' }
  const [values, setValues] = useState({});
  const spec = workflow.records.collaboration;
  if (!all || !spec) return null;
  const mine = all
    .filter((c) => c.case_id === rec.id || c.parent_id === rec.id)
    .sort((a, b) => (b.sent_on || '').localeCompare(a.sent_on || ''));
  const canAsk = may(spec.create.who, rec, me) && !workflow.records.case.closed.includes(rec.status);
  if (!mine.length && !canAsk) return null;
  const deptName = (code) => ((departments || []).find((d) => d.code === code) || {}).name || code;
  const { department, ...rest } = spec.fields;

  function open(name, on = null) {
    // Days default to today, as a case's steps do.
    const args = name === 'create' ? spec.fields : spec.transitions[name].args;
    const start = {};
    for (const [field, s] of Object.entries(args)) if (s.type === 'date') start[field] = today();
    setValues(start);
    setStep({ name, on });
  }

  async function create() {
    const payload = argsValues(spec.fields, values);
    await box.record(me.id, [{ record_type: 'collaboration', record_id: crypto.randomUUID(), parent_id: rec.id, op: 'create', payload }]);
    setStep(null);
    toast(t('sent_toast'));
  }

  let form = null;
  if (step && step.name === 'create') {
    form = html`<section class="box step-form" data-step="collaboration-create"><h2>${t('new_collaboration')}</h2>
      <${Field} label=${`${t('department')}${department.required ? ' *' : ''}`}>
        ${
          departments && departments.length
            ? html`<select name="department" required value=${values.department ?? ''} onChange=${(e) => setValues({ ...values, department: e.currentTarget.value || null })}>
              <option value="">${t('choose')}</option>
              ${departments.map((d) => html`<option value=${d.code}>${d.name}</option>`)}
            </select>`
            : html`<input name="department" required maxlength="64" value=${values.department ?? ''} onInput=${(e) => setValues({ ...values, department: e.currentTarget.value })} />`
        }
      </${Field}>
      <${ArgsForm} args=${rest} values=${values} setValues=${setValues} />
      <div class="actions"><button type="button" class="secondary" onClick=${() => setStep(null)}>${t('cancel')}</button>
      <button type="button" class="primary" data-action="save-collaboration" disabled=${!argsComplete(spec.fields, values)} onClick=${create}>${t('confirm')}</button></div>
    </section>`;
  } else if (step) {
    form = html`<${StepForm} type="collaboration" rec=${step.on} name=${step.name} preset=${values} workflow=${workflow} me=${me} people=${people} clues=${[]} toast=${toast} done=${() => setStep(null)} />`;
  }

  const now = Date.now();
  return html`<section class="box collaborations"><h2>${L(spec.label)}</h2>
    ${
      mine.length
        ? html`<ul class="list">${mine.map((c) => {
            const { late, soon, left } = clock(spec, c, now);
            const kind = c.kind && L(spec.fields.kind.labels[c.kind]);
            return html`<li class="row" data-collaboration=${c.id} data-status=${c.status}>
        <span class="title">${c.code || ''} ${deptName(c.department)}${kind ? ` · ${kind}` : ''}
          <span class="chip st-status">${L(spec.statuses[c.status]) || c.status}</span>
          ${c.local ? html`<${StateChip} state=${c.local} />` : null}</span>
        <span class="meta">${c.question}</span>
        <span class="meta">${t('sent_on')} ${c.sent_on || ''}${c.due ? html` · ${t('collab_due')} <span data-due=${c.due}>${c.due}</span><${Estimated} rec=${c} field="due" />` : null}${c.extended ? `（${t('extended')}）` : ''}
          ${late ? html` <strong class="overdue">${t('overdue')}</strong>` : null}${soon ? html` <span class="chip st-attention" data-due-soon=${soon}>${t('days_left', { n: left })}</span>` : null}</span>
        ${c.answer ? html`<span class="meta" data-answer=${c.answered_late ? 'late' : 'in_time'}>${t('answer')}（${c.answered_on}${c.answered_late ? ` · ${t('answered_late')}` : ''}）：${c.answer}</span>` : null}
        ${c.refuse_reason ? html`<span class="meta" data-refused="yes">${t('refuse_reason')}（${c.refused_on}）：${c.refuse_reason}</span>` : null}
        ${!step && !c.local ? html`<span class="actions wrap">${offered(workflow, 'collaboration', c, me).map(([n, s]) => html`<button type="button" class="secondary small" data-transition=${n} onClick=${() => open(n, c)}>${L(s.label)}</button>`)}</span>` : null}
      </li>`;
          })}</ul>`
        : null
    }
    ${form || (canAsk ? html`<div class="actions"><button type="button" class="secondary" data-action="new-collaboration" onClick=${() => open('create')}>${t('new_collaboration')}</button></div>` : null)}
  </section>`;
}

/**
 * A collaboration request on its own page: what the department it is addressed to reads and
 * answers (the case's facts the request carries, never the case), and what the township
 * reads of its progress. Its steps are those the workflow offers this person now: accept,
 * answer, extend once, refuse; the township's record of a paper answer, withdraw.
 */
export function ConsoleCollaboration({ id }) {
  const { me, workflow, matters, people, departments, version, toast } = useApp();
  const all = useRecords('collaboration', workflow, me, version);
  const [units] = useFetched('/units', []);
  const [step, setStep] = useState(null);
  const spec = workflow.records.collaboration;
  if (!all || !spec) return null;
  const c = all.find((r) => r.id === id);
  if (!c) return html`<main class="console"><p>${t('not_found')}</p></main>`;
  const facts = c.case_facts || {};
  const party = facts.party || {};
  const matter = matters.find((m) => m.code === facts.matter_code);
  const township = facts.unit_path && ((units || []).find((u) => u.path === townshipPath(facts.unit_path)) || {}).name;
  const dept = ((departments || []).find((d) => d.code === c.department) || {}).name || c.department;
  const { late, soon, left } = clock(spec, c, Date.now());
  const fact = (k, v) => (v ? html`<dt>${t(k)}</dt><dd data-fact=${k}>${v}</dd>` : null);
  const name = (uid) => (people.find((p) => p.id === uid) || {}).display_name;
  function open(n) {
    // Days default to today, as a case's steps do.
    const preset = {};
    for (const [field, s] of Object.entries(spec.transitions[n].args)) if (s.type === 'date') preset[field] = today();
    setStep({ name: n, preset });
  }
  return html`<main class="console record" data-collaboration=${c.id} data-status=${c.status}>
    <p><a href="#/console">← ${t('inbox')}</a>${me.roles.includes('department') ? null : html` · <a href=${`#/case/${c.case_id || c.parent_id}`}>${t('case')}</a>`}</p>
    <h1>${L(spec.label)} ${c.code || ''} <span class="chip st-status" data-status=${c.status}>${L(spec.statuses[c.status]) || c.status}</span>
      ${c.local ? html`<${StateChip} state=${c.local} />` : null}</h1>
    <div class="columns">
      <div>
        <dl class="facts">
          ${fact('department', dept)}
          ${fact('requested_by', township)}
          ${fact('kind', c.kind && L(spec.fields.kind.labels[c.kind]))}
          ${fact('question', c.question)}
          ${fact('sent_on', c.sent_on)}
        </dl>
        <p class="clock" data-due=${c.due || ''}>${t('collab_due')}：${c.due || ''}${c.extended ? `（${t('extended')}）` : ''}
          ${late ? html` <strong class="overdue">${t('overdue')}</strong>` : null}${soon ? html` <span class="chip st-attention" data-due-soon=${soon}>${t('days_left', { n: left })}</span>` : null}</p>
        <dl class="facts">
          ${fact('accepted_at', c.accepted_at && `${when(c.accepted_at)} · ${name(c.accepted_by) || ''}`)}
          ${fact('extended_on', c.extended_on && `${c.extended_on} · ${c.extension_reason || ''}`)}
          ${fact('answer', c.answer && `${c.answer}（${c.answered_on}${c.answered_late ? ` · ${t('answered_late')}` : ''}）`)}
          ${fact('refuse_reason', c.refuse_reason && `${c.refuse_reason}（${c.refused_on}）`)}
          ${fact('withdraw_reason', c.withdraw_reason)}
        </dl>
        ${
          step
            ? html`<${StepForm} type="collaboration" rec=${c} name=${step.name} preset=${step.preset} workflow=${workflow} me=${me} people=${people} clues=${[]} toast=${toast} done=${() => setStep(null)} />`
            : html`<div class="actions wrap">${c.local ? null : offered(workflow, 'collaboration', c, me).map(([n, s], i) => html`<button type="button" class=${i === 0 ? 'primary' : 'secondary'} data-transition=${n} onClick=${() => open(n)}>${L(s.label)}</button>`)}</div>`
        }
        <${CollaborationFiles} c=${c} spec=${spec} me=${me} people=${people} toast=${toast} />
      </div>
      <section class="box case-facts"><h2>${t('the_case_facts')}</h2>
        <dl class="facts">
          ${fact('case_code', facts.code)}
          ${fact('matter_code', (matter && matter.name) || facts.matter_code)}
          ${fact('violation_on', facts.violation_on)}
          ${fact('party', party.name && `${party.name}${party.id_number ? ` · ${party.id_number}` : ''}${party.address ? ` · ${party.address}` : ''}`)}
          ${fact('facts', facts.facts)}
        </dl>
        ${party.name && !party.id_number ? html`<p class="hint">${t('party_id_hidden')}</p>` : null}
      </section>
    </div>
  </main>`;
}

const FILE_TYPES = 'application/pdf,image/jpeg,image/png';

/**
 * A request's files: the department's signed answer (认定意见书…) and the township's
 * materials. The department attaches while the request waits for its answer, the township
 * until it ends; both read them (a download, audited). Sent as bytes; online only.
 */
function CollaborationFiles({ c, spec, me, people, toast }) {
  const [tick, setTick] = useState(0);
  const [files, error] = useFetched(`/collaborations/${c.id}/files`, [c.id, tick]);
  const [problems, setProblems] = useState([]);
  const [sending, setSending] = useState(false);
  const ours = me.department && me.department === c.department;
  const may = c.local ? false : ours ? spec.clocks.due.running.includes(c.status) : !me.department && !spec.closed.includes(c.status);
  const name = (uid) => (people.find((p) => p.id === uid) || {}).display_name || '';
  async function attach(e) {
    const file = e.currentTarget.files[0];
    e.currentTarget.value = '';
    if (!file) return;
    setSending(true);
    try {
      await authed(`/collaborations/${c.id}/files?name=${encodeURIComponent(file.name)}`, { method: 'POST', body: file });
      setProblems([]);
      toast(t('file_attached'));
      setTick(tick + 1);
    } catch (err) {
      setProblems(refusalLines(err));
    } finally {
      setSending(false);
    }
  }
  async function open(f) {
    try {
      const blob = await authedBlob(`/collaborations/${c.id}/files/${f.sha256}`);
      saveBlob(blob, f.name);
    } catch (err) {
      toast(err instanceof Offline ? t('offline') : err.message);
    }
  }
  return html`<section class="box files" data-files=${files ? files.length : ''}><h2>${t('collab_files')}</h2>
    ${error ? html`<p class="warn" role="alert">${error === 'offline' ? t('offline') : error}</p>` : null}
    ${
      files && files.length
        ? html`<ul class="list">${files.map(
            (f) => html`<li class="row" data-file=${f.sha256} data-side=${f.side}>
      <span class="title">${f.name}</span><span class="chip">${t(`file_side_${f.side}`)}</span>
      <span class="meta">${name(f.uploaded_by)} · ${when(f.uploaded_at)} · ${Math.ceil(f.size / 1024)} KB</span>
      <button type="button" class="secondary small" data-action="open-file" onClick=${() => open(f)}>${t('download')}</button></li>`,
          )}</ul>`
        : null
    }
    ${files && !files.length ? html`<p class="hint">${t('collab_files_none')}</p>` : null}
    ${
      may
        ? html`<label class="button secondary file-pick">${sending ? t('sending') : t(ours ? 'attach_answer' : 'attach_materials')}
      <input type="file" name="file" accept=${FILE_TYPES} disabled=${sending} onChange=${attach} /></label>
      <p class="hint">${t('collab_files_hint')}</p>`
        : null
    }
    ${problems.length ? html`<ul class="error" role="alert">${problems.map((p) => html`<li>${p}</li>`)}</ul>` : null}
  </section>`;
}
