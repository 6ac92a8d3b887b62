// 双随机一公开 and 综合查一次 at the desk: the county's register of inspection objects, plans
// (drafted, approved by a leader, drawn by the server, published), each draw's result with
// what redoes it, and the joint visits proposed where several plans reach one object.
// Everything here is online: the server draws and keeps the record; nothing is queued.
import { useEffect, useState } from 'preact/hooks';
import { BASE, Offline } from './api.js';
import { t, when } from './i18n.js';
import { chinaDay } from './rules.js';
import { getMeta, setMeta } from './db.js';
import { authed } from './session.js';
import { Field, html, refusalLines } from './ui.js';

const GRADES = ['high', 'medium', 'low'];
const PLANNERS = ['dispatcher', 'leader', 'admin', 'department'];

function useLoaded(path, deps) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let alive = true;
    if (!path) return undefined;
    authed(path).then((d) => alive && setData(d), (e) => alive && setError(e instanceof Offline ? t('offline') : e.message));
    return () => {
      alive = false;
    };
  }, deps);
  return [data, error];
}


function Register({ me, toast }) {
  const [tick, setTick] = useState(0);
  const [objects, error] = useLoaded('/inspection-objects?page_size=1', [tick]);
  const [problems, setProblems] = useState([]);
  const keeper = me.roles.includes('admin') && me.unit && me.unit.level === 'county';
  async function upload(e) {
    e.preventDefault();
    const file = e.currentTarget.elements.register.files[0];
    if (!file) return;
    try {
      const counts = await authed('/inspection-objects/import', { method: 'POST', body: file });
      setProblems([]);
      toast(t('register_imported', counts));
      setTick(tick + 1);
    } catch (err) {
      setProblems(refusalLines(err));
    }
  }
  return html`<section class="box register">
    <h2>${t('register')}</h2>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${objects ? html`<p data-objects=${objects.length}>${objects.length ? t('register_has_objects') : t('register_empty')}</p>` : null}
    ${keeper ? html`<form onSubmit=${upload}>
      <${Field} label=${t('register_file')} hint=${t('register_hint')}><input name="register" type="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required /></${Field}>
      <div class="actions"><button type="submit" class="primary" data-action="import-register">${t('register_import')}</button></div>
    </form>` : null}
    ${problems.length ? html`<ul class="error" role="alert" data-problems=${problems.length}>${problems.map((p) => html`<li>${p}</li>`)}</ul>` : null}
  </section>`;
}

const EMPTY_PLAN = { title: '', unit_code: '', matter_codes: [], object_count: '10', high: '0.5', medium: '0.3', low: '0.2', period_start: '', period_end: '' };

function NewPlan({ me, matters, done }) {
  const [form, setForm] = useState(EMPTY_PLAN);
  const [problems, setProblems] = useState([]);
  const [units] = useLoaded(me.roles.includes('department') ? null : '/units', []);
  const townships = (units || []).filter((u) => u.level === 'township');
  const set = (patch) => setForm({ ...form, ...patch });
  const toggle = (code) => set({ matter_codes: form.matter_codes.includes(code) ? form.matter_codes.filter((c) => c !== code) : [...form.matter_codes, code] });
  async function submit(e) {
    e.preventDefault();
    const body = {
      title: form.title.trim(),
      matter_codes: form.matter_codes,
      object_count: Number(form.object_count),
      shares: Object.fromEntries(GRADES.filter((g) => form[g] && Number(form[g]) > 0).map((g) => [g, form[g]])),
      period_start: form.period_start,
      period_end: form.period_end,
    };
    if (!me.roles.includes('department')) body.unit_code = form.unit_code || (townships[0] && townships[0].code);
    try {
      const plan = await authed('/inspection-plans', { method: 'POST', body });
      setForm(EMPTY_PLAN);
      setProblems([]);
      done(plan);
    } catch (err) {
      setProblems(refusalLines(err));
    }
  }
  return html`<form class="box new-plan" onSubmit=${submit}>
    <h2>${t('plan_new')}</h2>
    <${Field} label=${`${t('plan_title')} *`}><input name="title" required maxlength="200" value=${form.title} onInput=${(e) => set({ title: e.currentTarget.value })} /></${Field}>
    ${me.roles.includes('department') ? null : html`<${Field} label=${t('township')}>
      <select name="unit_code" value=${form.unit_code} onChange=${(e) => set({ unit_code: e.currentTarget.value })}>
        ${townships.map((u) => html`<option value=${u.code}>${u.name}</option>`)}
      </select></${Field}>`}
    <fieldset><legend>${t('plan_matters')} *</legend>
      ${(matters || []).map((m) => html`<label class="check"><input type="checkbox" name="matter" value=${m.code} checked=${form.matter_codes.includes(m.code)} onChange=${() => toggle(m.code)} /> ${m.code} ${m.name}</label>`)}
    </fieldset>
    <${Field} label=${`${t('plan_count')} *`}><input name="object_count" type="number" min="1" max="1000" required value=${form.object_count} onInput=${(e) => set({ object_count: e.currentTarget.value })} /></${Field}>
    <fieldset><legend>${t('plan_shares')}</legend>
      ${GRADES.map((g) => html`<${Field} label=${t(`risk_${g}`)}><input name=${`share_${g}`} inputmode="decimal" value=${form[g]} onInput=${(e) => set({ [g]: e.currentTarget.value })} /></${Field}>`)}
    </fieldset>
    <${Field} label=${`${t('plan_from')} *`}><input name="period_start" type="date" required value=${form.period_start} onInput=${(e) => set({ period_start: e.currentTarget.value })} /></${Field}>
    <${Field} label=${`${t('plan_to')} *`}><input name="period_end" type="date" required value=${form.period_end} onInput=${(e) => set({ period_end: e.currentTarget.value })} /></${Field}>
    ${problems.length ? html`<ul class="error" role="alert">${problems.map((p) => html`<li>${p}</li>`)}</ul>` : null}
    <div class="actions"><button type="submit" class="primary" data-action="create-plan">${t('plan_create')}</button></div>
  </form>`;
}

const RESULTS = ['compliant', 'violation', 'not_applicable'];

/** One of the two officers drawn records the visit: a result for every item, each for its
 * department, on a day of the plan's period (the server checks the day and his certificate). */
export function VisitResult({ visit, toast, done }) {
  const [day, setDay] = useState(chinaDay(Date.now()));
  const [results, setResults] = useState(() => visit.checklist.map(() => ({ result: 'compliant', note: '' })));
  const [findings, setFindings] = useState('');
  const [problems, setProblems] = useState([]);
  const set = (i, change) => setResults(results.map((r, j) => (j === i ? { ...r, ...change } : r)));
  async function save(e) {
    e.preventDefault();
    const items = visit.checklist.map((item, i) => ({ matter_code: item.matter_code, department: item.department, result: results[i].result, note: results[i].note || null }));
    try {
      await authed(`/inspection-visits/${visit.id}/result`, { method: 'POST', body: { done_on: day, items, findings: findings || null } });
      toast(t('visit_result_saved'));
      done(visit.checklist.map((item, i) => ({ ...item, ...results[i] })).filter((item) => item.result === 'violation'));
    } catch (err) {
      setProblems(refusalLines(err));
    }
  }
  return html`<form class="box visit-result" data-visit-result=${visit.id} onSubmit=${save}>
    <h3>${t('visit_result')} · ${visit.object_name}</h3>
    <${Field} label=${`${t('visit_done_on')} *`}><input type="date" name="done_on" required value=${day} onInput=${(e) => setDay(e.currentTarget.value)} /></${Field}>
    ${visit.checklist.map((item, i) => html`<fieldset data-item=${i}><legend>${item.item || item.matter_code}（${item.department_name || item.department}）</legend>
      <select name=${`result_${i}`} value=${results[i].result} onChange=${(e) => set(i, { result: e.currentTarget.value })}>
        ${RESULTS.map((r) => html`<option value=${r}>${t(`visit_${r}`)}</option>`)}
      </select>
      <input name=${`note_${i}`} placeholder=${t('visit_note')} maxlength="2000" value=${results[i].note} onInput=${(e) => set(i, { note: e.currentTarget.value })} />
    </fieldset>`)}
    <${Field} label=${t('visit_findings')}><textarea name="findings" maxlength="8000" value=${findings} onInput=${(e) => setFindings(e.currentTarget.value)}></textarea></${Field}>
    ${problems.length ? html`<ul class="error" role="alert">${problems.map((p) => html`<li>${p}</li>`)}</ul>` : null}
    <div class="actions"><button type="button" class="secondary" onClick=${() => done([])}>${t('cancel')}</button>
      <button type="submit" class="primary" data-action="save-visit-result">${t('visit_result_save')}</button></div>
  </form>`;
}

function PlanDetail({ id, me, toast, changed }) {
  const [tick, setTick] = useState(0);
  const [plan, error] = useLoaded(`/inspection-plans/${id}`, [id, tick]);
  const [recording, setRecording] = useState(null); // the visit whose result is being recorded
  async function act(action) {
    try {
      await authed(`/inspection-plans/${id}/${action}`, { method: 'POST' });
      toast(t(`plan_${action}_done`));
      setTick(tick + 1);
      changed();
    } catch (err) {
      toast(refusalLines(err).join('；'));
    }
  }
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (!plan) return null;
  const leader = me.roles.includes('leader');
  const draw = plan.draw;
  return html`<section class="box plan-detail" data-plan=${plan.id} data-status=${plan.status}>
    <h2>${plan.title}</h2>
    <p>${plan.owner.name} · ${t('period_of', { from: plan.period_start, to: plan.period_end })} · ${t(`plan_status_${plan.status}`)}</p>
    <p>${t('plan_matters')}: ${plan.matter_codes.join('、')} · ${t('plan_count')}: ${plan.object_count} · ${GRADES.filter((g) => plan.shares[g]).map((g) => `${t(`risk_${g}`)} ${plan.shares[g]}`).join('，')}</p>
    <div class="actions">
      ${plan.status === 'draft' && leader ? html`<button type="button" class="primary" data-action="approve" onClick=${() => act('approve')}>${t('plan_approve')}</button>` : null}
      ${plan.status === 'approved' ? html`<button type="button" class="primary" data-action="draw" onClick=${() => act('draw')}>${t('plan_draw')}</button>` : null}
      ${plan.status === 'drawn' ? html`<button type="button" class="primary" data-action="publish" onClick=${() => act('publish')}>${t('plan_publish')}</button>` : null}
    </div>
    ${plan.seed_commitment ? html`<dl class="commitment"><dt>${t('draw_commitment')}</dt><dd><code data-commitment>${plan.seed_commitment}</code></dd>
      ${Object.entries(plan.register_hashes || {}).map(([k, v]) => html`<dt>${t(`draw_hash_${k}`)}</dt><dd><code>${v}</code></dd>`)}</dl>
      ${draw ? null : html`<p class="hint">${t('draw_commitment_hint')}</p>`}` : null}
    ${draw ? html`<div class="draw" data-draw=${draw.id}>
      <h3>${t('draw_result')}</h3>
      <dl><dt>${t('draw_seed')}</dt><dd><code data-seed>${draw.seed}</code></dd>
        ${Object.entries(draw.hashes).map(([k, v]) => html`<dt>${t(`draw_hash_${k}`)}</dt><dd><code>${v}</code></dd>`)}
        <dt>${t('draw_at')}</dt><dd>${when(draw.drawn_at)}</dd>
        ${draw.published_at ? html`<dt>${t('published_at')}</dt><dd>${when(draw.published_at)} · <a href=${`${BASE}/public/inspection-draws/${draw.id}`} target="_blank" rel="noopener">${t('draw_public_link')}</a></dd>` : null}
      </dl>
      <table class="grid"><thead><tr><th>${t('visit_object')}</th><th>${t('plan_matters')}</th><th>${t('visit_officers')}</th><th>${t('status')}</th></tr></thead>
        <tbody>${plan.visits.map((v) => html`<tr data-visit=${v.id}><td>${v.object_name}</td><td>${v.status === 'done'
          ? html`<ul class="results">${v.checklist.map((i) => html`<li data-result=${i.result}>${i.matter_code}（${i.department_name || i.department}）：${t(`visit_${i.result}`)}${i.note ? ` · ${i.note}` : ''}</li>`)}</ul>${v.findings ? html`<p class="meta">${v.findings}</p>` : null}`
          : v.checklist.map((i) => i.matter_code).join('、')}</td><td>${(v.officer_names || v.officers).join('、')}</td><td>${v.joint ? t('visit_joint') : t(`visit_${v.status}`)}
          ${v.status === 'planned' && v.officers.includes(me.id) ? html` <button type="button" class="secondary small" data-action="record-visit" onClick=${() => setRecording(v)}>${t('visit_result')}</button>` : null}</td></tr>`)}</tbody></table>
      ${recording ? html`<${VisitResult} visit=${recording} toast=${toast} done=${() => { setRecording(null); setTick(tick + 1); changed(); }} />` : null}
    </div>` : html`<p class="hint">${t('draw_hint')}</p>`}
  </section>`;
}

function Proposals({ toast, tick }) {
  const [again, setAgain] = useState(0);
  const [rows, error] = useLoaded('/inspection-visits/proposals', [tick, again]);
  async function merge(ids) {
    try {
      await authed('/inspection-visits/merge', { method: 'POST', body: { visit_ids: ids } });
      toast(t('merge_done'));
      setAgain(again + 1);
    } catch (err) {
      toast(refusalLines(err).join('；'));
    }
  }
  return html`<section class="box proposals">
    <h2>${t('merge_proposals')}</h2>
    <p class="hint">${t('merge_hint')}</p>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${rows && rows.length === 0 ? html`<p>${t('merge_none')}</p>` : null}
    ${rows ? html`<ul class="list">${rows.map((p) => html`<li class="row" data-proposal=${p.visit_ids.join(',')}>
      <span class="title">${p.object_name}</span>
      <span class="meta">${ownerNames(p).join(' + ')} · ${t('period_of', { from: p.period_start, to: p.period_end })}</span>
      <ul>${p.checklist.map((i) => html`<li>${i.item}（${i.department_name || i.department}）</li>`)}</ul>
      <button type="button" class="secondary" data-action="merge" onClick=${() => merge(p.visit_ids)}>${t('merge_confirm')}</button>
    </li>`)}</ul>` : null}
  </section>`;
}

const SUPERVISING = ['dispatcher', 'leader', 'reviewer', 'admin'];
const pct = (s) => (s.share === null ? '—' : `${(s.share * 100).toFixed(1)}%`);

/** The seeds' figures over this year: planned vs done, 合并率, visits per business. */
function Figures({ me }) {
  const year = new Date().getFullYear();
  const path = me.unit && me.roles.some((r) => SUPERVISING.includes(r)) ? `/units/${me.unit.code}/dashboard?from=${year}-01-01&to=${year}-12-31` : null;
  const [board] = useLoaded(path, []);
  const f = board && board.inspections;
  if (!f) return null;
  return html`<section class="box figures" data-drawn=${f.drawn}>
    <h2>${t('insp_figures', { year })}</h2>
    <table class="grid"><tbody>
      <tr><th>${t('insp_done')}</th><td data-figure="done">${f.done.count} / ${f.done.of}（${pct(f.done)}）</td></tr>
      <tr><th>${t('insp_joint_share')}</th><td data-figure="joint_share">${f.joint_share.count} / ${f.joint_share.of}（${pct(f.joint_share)}）</td></tr>
      <tr><th>${t('insp_per_object')}</th><td data-figure="per_object">${f.visits_per_object_before ?? '—'} → ${f.visits_per_object_after ?? '—'}</td></tr>
      <tr><th>${t('insp_spared')}</th><td data-figure="spared">${f.visits_spared}</td></tr>
    </tbody></table>
  </section>`;
}

/** The inspections page: the register, the plans and the one selected, the proposals. */
/** The departments (or townships) a proposal serves, by name: their checklist items name them. */
function ownerNames(p) {
  const names = Object.fromEntries(p.checklist.map((i) => [i.department, i.department_name || i.department]));
  return p.departments.map((code) => names[code] || code);
}

export function Inspections({ me, matters, toast }) {
  const [tick, setTick] = useState(0);
  const [selected, setSelected] = useState(null);
  const planner = me.roles.some((r) => PLANNERS.includes(r));
  const [plans, error] = useLoaded(planner ? '/inspection-plans' : null, [tick]);
  const created = (plan) => {
    toast(t('plan_created'));
    setSelected(plan.id);
    setTick(tick + 1);
  };
  return html`<main class="console wide inspections">
    <h1>${t('inspections_nav')}</h1>
    <${Figures} me=${me} />
    <${Register} me=${me} toast=${toast} />
    ${planner ? html`<section class="box plans">
      <h2>${t('plans')}</h2>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      ${plans && plans.length === 0 ? html`<p>${t('plans_none')}</p>` : null}
      ${plans && plans.length ? html`<table class="grid"><thead><tr><th>${t('plan_title')}</th><th>${t('plan_owner')}</th><th>${t('plan_period')}</th><th>${t('plan_count')}</th><th>${t('status')}</th></tr></thead>
        <tbody>${plans.map((p) => html`<tr data-plan=${p.id} aria-selected=${p.id === selected ? 'true' : null}>
          <td><a href="#/inspections" onClick=${(e) => { e.preventDefault(); setSelected(p.id); }}>${p.title}</a></td>
          <td>${p.owner.name}</td><td>${t('period_of', { from: p.period_start, to: p.period_end })}</td><td>${p.object_count}</td><td>${t(`plan_status_${p.status}`)}</td>
        </tr>`)}</tbody></table>` : null}
    </section>` : null}
    ${selected ? html`<${PlanDetail} id=${selected} me=${me} toast=${toast} changed=${() => setTick(tick + 1)} />` : null}
    ${planner ? html`<${NewPlan} me=${me} matters=${matters} done=${created} />` : null}
    ${planner ? html`<${Proposals} toast=${toast} tick=${tick} />` : null}
  </main>`;
}

/**
 * 检查任务 on the phone: the visits this officer was drawn for, where and what to check, and
 * the form to record one done. Read and sent online (the server checks the day, the pair and
 * the certificate); without a network it says so. Offline visits are the next step
 * (docs/INSPECTIONS.md).
 */
/** A violation found on a visit, reported as a clue from the report screen, its matter and
 * place already filled (the photos are taken there; a draft in hand is never overwritten). */
async function reportViolation(me, visit, item) {
  const key = `draft:report:${me.id}`;
  const draft = await getMeta(key);
  if (!draft || (!draft.photos.length && !draft.matter_code && !draft.description)) {
    await setMeta(key, {
      step: 1, photos: [], matter_code: item.matter_code, address: visit.object_address || visit.object_name,
      description: `${visit.object_name}：${item.note || item.item || ''}（双随机抽查发现）`,
      done: null, result: '', call_back: false, id: crypto.randomUUID(),
    });
  }
  window.location.hash = '#/report';
}

export function MyVisits({ me, toast }) {
  const [found, setFound] = useState(null); // { visit, items }: violations just recorded
  const [tick, setTick] = useState(0);
  const [visits, setVisits] = useState(null);
  const [error, setError] = useState(null);
  const [stale, setStale] = useState(false); // offline: the list as last fetched
  const [open, setOpen] = useState(null);
  useEffect(() => {
    let alive = true;
    authed('/inspection-visits/mine').then(
      async (list) => {
        await setMeta('visits', list); // sealed like the records: read offline on site
        if (!alive) return;
        setVisits(list);
        setStale(false);
      },
      async (err) => {
        if (!alive) return;
        if (!(err instanceof Offline)) {
          setError(err.message);
          return;
        }
        setVisits(await getMeta('visits', []));
        setStale(true);
      },
    );
    return () => {
      alive = false;
    };
  }, [tick]);
  return html`<main class="my-visits">
    <h1>${t('my_visits')}</h1>
    ${error ? html`<p class="warn" role="alert">${error}</p>` : null}
    ${stale ? html`<p class="warn" role="status" data-stale="yes">${t('my_visits_offline')}</p>` : null}
    ${found && (me.roles || []).some((r) => ['officer', 'grid_worker', 'dispatcher'].includes(r)) ? html`<section class="box found" data-found=${found.visit.id}>
      <h2>${t('visit_violations_found', { name: found.visit.object_name })}</h2>
      ${found.items.map((item) => html`<p>${item.item || item.matter_code}（${item.department_name || item.department}）${item.note ? ` · ${item.note}` : ''}
        <button type="button" class="primary" data-action="report-violation" onClick=${() => reportViolation(me, found.visit, item)}>${t('report')}</button></p>`)}
    </section>` : null}
    ${visits && !visits.length ? html`<p>${t('my_visits_none')}</p>` : null}
    ${visits ? html`<ul class="list">${visits.map((v) => html`<li class="row" data-visit=${v.id}>
      <span class="title">${v.object_name}${v.joint ? html` <span class="chip">${t('visit_joint')}</span>` : null}</span>
      <span class="meta">${v.object_address || ''}</span>
      <span class="meta">${t('period_of', { from: v.period_start, to: v.period_end })} · ${(v.officer_names || []).join('、')}</span>
      <ul>${v.checklist.map((i) => html`<li>${i.item || i.matter_code}（${i.department_name || i.department}）</li>`)}</ul>
      ${v.object_location ? html`<a class="secondary button" href=${`geo:${v.object_location.lat},${v.object_location.lng}`}>${t('navigate')}</a>` : null}
      ${open && open.id === v.id
        ? html`<${VisitResult} visit=${v} toast=${toast} done=${(items) => { setOpen(null); setTick(tick + 1); if (items && items.length) setFound({ visit: v, items }); }} />`
        : html`<button type="button" class="primary" data-action="record-visit" disabled=${stale} onClick=${() => setOpen(v)}>${t('visit_result')}</button>`}
    </li>`)}</ul>` : null}
  </main>`;
}
