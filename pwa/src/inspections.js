// 双随机一公开 and 综合查一次 at the desk: the county's register of inspection objects, plans
// (drafted, approved by a leader, drawn by the server, published), each draw's result with
// what redoes it, and the joint visits proposed where several plans reach one object.
// The desk's steps are online: the server draws and keeps the record. A visit's record is
// not: the officer records it on his phone, offline, queued in the outbox (VisitResult).
import { useEffect, useRef, useState } from 'preact/hooks';
import { BASE, Offline } from './api.js';
import { L, t, when } from './i18n.js';
import { chinaDay } from './rules.js';
import { getMeta, setMeta } from './db.js';
import { useDraft } from './draft.js';
import * as box from './outbox.js';
import { PhotoPicker, photoRecords, useFix } from './screens.js';
import { authed, authedBlob } from './session.js';
import { Field, html, refusalLines } from './ui.js';
import {
  LIMITS,
  RESULTS,
  exportSize,
  formFromPayload,
  newVisitForm,
  signatureProblem,
  signed,
  visitMutation,
  visitPayload,
  visitProblems,
  visitStates,
  violations,
} from './visits.js';
import { useApp } from './app.js';

const GRADES = ['high', 'medium', 'low'];
const PLANNERS = ['dispatcher', 'leader', 'admin', 'department'];

function useLoaded(path, deps) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let alive = true;
    if (!path) return undefined;
    authed(path).then(
      (d) => alive && setData(d),
      (e) => alive && setError(e instanceof Offline ? t('offline') : e.message),
    );
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
    ${
      keeper
        ? html`<form onSubmit=${upload}>
      <${Field} label=${t('register_file')} hint=${t('register_hint')}><input name="register" type="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required /></${Field}>
      <div class="actions"><button type="submit" class="primary" data-action="import-register">${t('register_import')}</button></div>
    </form>`
        : null
    }
    ${problems.length ? html`<ul class="error" role="alert" data-problems=${problems.length}>${problems.map((p) => html`<li>${p}</li>`)}</ul>` : null}
  </section>`;
}

const EMPTY_PLAN = {
  title: '',
  unit_code: '',
  matter_codes: [],
  object_count: '10',
  high: '0.5',
  medium: '0.3',
  low: '0.2',
  period_start: '',
  period_end: '',
};

function NewPlan({ me, matters, done }) {
  const [form, setForm] = useState(EMPTY_PLAN);
  const [problems, setProblems] = useState([]);
  const [units] = useLoaded(me.roles.includes('department') ? null : '/units', []);
  const townships = (units || []).filter((u) => u.level === 'township');
  const set = (patch) => setForm({ ...form, ...patch });
  const toggle = (code) =>
    set({ matter_codes: form.matter_codes.includes(code) ? form.matter_codes.filter((c) => c !== code) : [...form.matter_codes, code] });
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
    ${
      me.roles.includes('department')
        ? null
        : html`<${Field} label=${t('township')}>
      <select name="unit_code" value=${form.unit_code} onChange=${(e) => set({ unit_code: e.currentTarget.value })}>
        ${townships.map((u) => html`<option value=${u.code}>${u.name}</option>`)}
      </select></${Field}>`
    }
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

/** The pad a party signs on with a finger: black strokes on white, kept as points in the
 * pad's CSS pixels (`value`: { w, h, strokes }, small enough for the draft), drawn sharp at
 * the screen's pixel ratio, and made a small PNG only when the record is saved
 * (signatureUrl). 清除 starts again. */
function SignaturePad({ value, onChange }) {
  const canvas = useRef(null);
  const sig = useRef(value && value.strokes.length ? { ...value, strokes: value.strokes.map((s) => [...s]) } : null);
  const stroke = useRef(null); // the stroke under the finger
  const frame = useRef(null); // { w, h, dpr } of the canvas as laid out
  function paint() {
    const c = canvas.current;
    const { w, h, dpr } = frame.current;
    const ctx = c.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    if (sig.current) drawStrokes(ctx, sig.current, w / sig.current.w, h / sig.current.h);
  }
  function fit() {
    const c = canvas.current;
    if (!c) return;
    const r = c.getBoundingClientRect();
    if (!r.width || !r.height) return;
    const dpr = Math.min(window.devicePixelRatio || 1, 3);
    frame.current = { w: r.width, h: r.height, dpr };
    c.width = Math.round(r.width * dpr);
    c.height = Math.round(r.height * dpr);
    paint();
  }
  useEffect(() => {
    fit();
    window.addEventListener('resize', fit);
    return () => window.removeEventListener('resize', fit);
  }, []);
  const at = (e) => {
    const r = canvas.current.getBoundingClientRect();
    const s = sig.current;
    const round = (v) => Math.round(v * 10) / 10;
    return [round(((e.clientX - r.left) * s.w) / r.width), round(((e.clientY - r.top) * s.h) / r.height)];
  };
  const down = (e) => {
    if (e.button > 0) return;
    e.preventDefault();
    canvas.current.setPointerCapture(e.pointerId);
    if (!sig.current) sig.current = { w: Math.round(frame.current.w), h: Math.round(frame.current.h), strokes: [] };
    stroke.current = at(e);
    sig.current.strokes.push(stroke.current);
    paint();
  };
  const move = (e) => {
    if (!stroke.current) return;
    for (const p of e.getCoalescedEvents ? e.getCoalescedEvents() : [e]) stroke.current.push(...at(p));
    paint();
  };
  const up = () => {
    if (!stroke.current) return;
    stroke.current = null;
    onChange({ ...sig.current, strokes: sig.current.strokes.map((s) => [...s]) });
  };
  const clear = () => {
    sig.current = null;
    stroke.current = null;
    paint();
    onChange(null);
  };
  return html`<div class="signature visit-sign">
    <canvas ref=${canvas} aria-label=${t('visit_sign_here')} role="img" data-signed=${signed(value) ? 'yes' : 'no'}
      onPointerDown=${down} onPointerMove=${move} onPointerUp=${up} onPointerCancel=${up} />
    <button type="button" class="secondary" data-action="clear-signature" onClick=${clear}>${t('visit_sign_clear')}</button>
  </div>`;
}

function drawStrokes(ctx, sig, sx, sy) {
  ctx.strokeStyle = '#000';
  ctx.fillStyle = '#000';
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.lineWidth = 2.5 * Math.min(sx, sy);
  for (const s of sig.strokes) {
    ctx.beginPath();
    ctx.moveTo(s[0] * sx, s[1] * sy);
    if (s.length === 2) ctx.lineTo(s[0] * sx + 0.1, s[1] * sy); // a dot
    for (let i = 2; i < s.length; i += 2) ctx.lineTo(s[i] * sx, s[i + 1] * sy);
    ctx.stroke();
  }
}

/** The signature as the record carries it: a PNG of at most 600 × 240, black on white. */
function signatureUrl(sig) {
  const { width, height, scale } = exportSize(sig.w, sig.h);
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  drawStrokes(ctx, sig, scale, scale);
  return c.toDataURL('image/png');
}

// What each field the phone (or the server) names is called on the form.
const FIELD_LABELS = {
  done_on: 'visit_done_on',
  findings: 'visit_findings',
  certificates_shown: 'visit_certificates',
  party_present: 'visit_party_present',
  party_name: 'visit_party_name',
  party_signature: 'signature',
  party_refusal: 'visit_refusal',
  items: 'visit_items',
  location: 'location',
  visit_id: 'my_visits',
  unit_code: 'township',
};

function fieldLabel(visit, field) {
  const item = /^items\.(\d+)\./.exec(field);
  if (item) {
    const it = visit.checklist[Number(item[1])];
    return it ? `${it.item || it.matter_code}（${it.department_name || it.department}）` : t('visit_items');
  }
  return t(FIELD_LABELS[field] || field);
}

/** A refusal of a visit's record in words: the reason, and each field named as the form names it. */
export function visitRefusal(workflow, visit, result) {
  const reason = (result && result.reason) || '';
  const text = L(workflow && workflow.reasons && workflow.reasons[reason]) || reason;
  const fields = Object.entries((result && result.fields) || {}).map(
    ([f, msgs]) => `${fieldLabel(visit, f)}：${[].concat(msgs).join('；')}`,
  );
  return [text, ...fields].filter(Boolean).join(' · ');
}

/**
 * One of the two officers drawn records the visit, on the phone and without a network: a
 * result for every item (each for its department), what was found, the certificates shown,
 * the party there or not, and his signature on the pad or his refusal written down. It is
 * queued in the outbox as a `visit_record` and sent by the sync like any record; the server
 * checks the pair, the day and the certificates again. What is typed is kept as a draft on
 * the phone until the record is saved; a record the server refused opens again as sent.
 */
export function VisitResult({ visit, me, toast, done, again = null }) {
  const draft = useDraft(`draft:visit:${me.id}:${visit.id}`, () => (again ? formFromPayload(visit, again) : newVisitForm(visit)), {
    usable: (saved) => saved.results && saved.results.length === visit.checklist.length,
  });
  const { key, value: form, set: setForm } = draft;
  const [tried, setTried] = useState(false); // the problems are named at each field after a first try
  const [extra, setExtra] = useState([]); // what only saving finds (the signature's size, the storage)
  const [saving, setSaving] = useState(false);
  const [fix] = useFix(); // where the phone is, if it knows: never waited for
  const ref = useRef(null);
  if (!form) return null;
  const set = (patch) => {
    setForm((current) => ({ ...current, ...patch })); // never undoes a photo just made ready
    setExtra([]);
  };
  const setItem = (i, change) => set({ results: form.results.map((r, j) => (j === i ? { ...r, ...change } : r)) });
  const problems = [...visitProblems(visit, form, { me }), ...extra];
  const problemAt = (field) => {
    const found = tried && problems.find(([f]) => f === field);
    return found ? t(found[1]) : null;
  };
  const lacking = problems.filter(([f]) => f !== 'save');
  async function save(e) {
    e.preventDefault();
    setTried(true);
    setExtra([]);
    if (lacking.length) {
      const first = ref.current && ref.current.querySelector(`[data-field="${lacking[0][0]}"]`);
      if (first) first.scrollIntoView({ block: 'center' });
      return;
    }
    const url = form.party_present && !form.refused ? signatureUrl(form.signature) : null;
    const bad = url && signatureProblem(url);
    if (bad) {
      setExtra([['party_signature', bad]]);
      return;
    }
    setSaving(true);
    try {
      const payload = visitPayload(visit, form, { signatureUrl: url, fix });
      const record = visitMutation(payload);
      // The photos hang from the record, in the same transaction: all of it or none.
      const shots = photoRecords(record.record_id, form.photos || [], payload.location || null, null, 'visit_photo');
      if (!(await draft.finish(() => box.record(me.id, [record, ...shots.mutations], shots.files, { [key]: undefined })))) return;
    } catch (err) {
      setExtra([['save', err instanceof box.NotSaved ? err.message : 'not_saved']]);
      return;
    } finally {
      setSaving(false);
    }
    toast(t('visit_saved_on_phone'));
    done(violations(visit, form));
  }
  const today = chinaDay(Date.now());
  const saveError = problems.find(([f]) => f === 'save');
  return html`<form class="box visit-result" data-visit-result=${visit.id} onSubmit=${save} ref=${ref} novalidate>
    <h3>${t('visit_result')} · ${visit.object_name}</h3>
    <div data-field="done_on"><${Field} label=${`${t('visit_done_on')} *`} error=${problemAt('done_on')}>
      <input type="date" name="done_on" required value=${form.day} min=${visit.period_start} max=${visit.period_end && visit.period_end < today ? visit.period_end : today}
        onInput=${(e) => set({ day: e.currentTarget.value })} /></${Field}></div>
    ${visit.checklist.map(
      (item, i) => html`<fieldset class="visit-item" data-item=${i} data-field=${`items.${i}.result`}>
      <legend>${item.item || item.matter_code}（${item.department_name || item.department}）</legend>
      <div class="segments" role="radiogroup" aria-label=${t('visit_result')}>
        ${RESULTS.map(
          (r) => html`<label class=${`segment ${r} ${form.results[i].result === r ? 'on' : ''}`}>
          <input type="radio" name=${`result_${i}`} value=${r} checked=${form.results[i].result === r} onChange=${() => setItem(i, { result: r })} />
          <span>${t(`visit_${r}`)}</span></label>`,
        )}
      </div>
      <input name=${`note_${i}`} placeholder=${form.results[i].result === 'violation' ? t('visit_note_violation') : t('visit_note')} maxlength=${LIMITS.note}
        value=${form.results[i].note} onInput=${(e) => setItem(i, { note: e.currentTarget.value })} />
    </fieldset>`,
    )}
    <div data-field="findings"><${Field} label=${t('visit_findings')} error=${problemAt('findings')}>
      <textarea name="findings" rows="3" maxlength=${LIMITS.findings} value=${form.findings} onInput=${(e) => set({ findings: e.currentTarget.value })}></textarea></${Field}></div>
    <div data-field="certificates_shown">
      <label class="radio big-check"><input type="checkbox" name="certificates_shown" checked=${form.certificates_shown}
        onChange=${(e) => set({ certificates_shown: e.currentTarget.checked })} /> ${t('visit_certificates')} *</label>
      ${problemAt('certificates_shown') ? html`<p class="error" role="alert">${problemAt('certificates_shown')}</p>` : null}
    </div>
    <fieldset class="party" data-field="party_present"><legend>${t('visit_party_present')} *</legend>
      <div class="segments two">
        <label class=${`segment ${form.party_present === true ? 'on' : ''}`}><input type="radio" name="party_present" value="yes" checked=${form.party_present === true}
          onChange=${() => set({ party_present: true })} /><span>${t('visit_party_there')}</span></label>
        <label class=${`segment ${form.party_present === false ? 'on' : ''}`}><input type="radio" name="party_present" value="no" checked=${form.party_present === false}
          onChange=${() => set({ party_present: false })} /><span>${t('visit_party_away')}</span></label>
      </div>
      ${problemAt('party_present') ? html`<p class="error" role="alert">${problemAt('party_present')}</p>` : null}
    </fieldset>
    ${
      form.party_present
        ? html`<section class="party-sign">
      <div data-field="party_name"><${Field} label=${`${t('visit_party_name')} *`} error=${problemAt('party_name')}>
        <input name="party_name" maxlength=${LIMITS.party_name} autocomplete="off" value=${form.party_name} onInput=${(e) => set({ party_name: e.currentTarget.value })} /></${Field}></div>
      <div data-field="party_signature"><h4>${t('signature')} *</h4>
        ${
          form.refused
            ? null
            : html`<p class="hint">${t('visit_sign_hint')}</p>
          <${SignaturePad} value=${form.signature} onChange=${(signature) => set({ signature })} />`
        }
        ${problemAt('party_signature') ? html`<p class="error" role="alert">${problemAt('party_signature')}</p>` : null}
      </div>
      <label class="radio big-check"><input type="checkbox" name="refused" checked=${form.refused} onChange=${(e) => set({ refused: e.currentTarget.checked })} /> ${t('visit_refused')}</label>
      ${
        form.refused
          ? html`<div data-field="party_refusal"><${Field} label=${`${t('visit_refusal')} *`} hint=${t('visit_refusal_hint')} error=${problemAt('party_refusal')}>
        <textarea name="party_refusal" rows="2" maxlength=${LIMITS.party_refusal} value=${form.party_refusal} onInput=${(e) => set({ party_refusal: e.currentTarget.value })}></textarea></${Field}></div>`
          : null
      }
    </section>`
        : null
    }
    <${PhotoPicker} photos=${form.photos || []} setPhotos=${(update) => setForm((current) => ({ ...current, photos: update(current.photos || []) }))} name="visit_photo" recordType="visit_photo" hint=${t('visit_photos_hint')} />
    ${
      lacking.length
        ? html`<div class="box missing" role="status" aria-live="polite"><strong>${t('still_missing')}</strong>
      <ul>${lacking.map(([f, k]) => html`<li data-missing=${f}>${fieldLabel(visit, f)}${tried ? `：${t(k)}` : ''}</li>`)}</ul></div>`
        : null
    }
    ${saveError ? html`<p class="error" role="alert" data-not-saved>${t(saveError[1])}</p>` : null}
    <div class="actions"><button type="button" class="secondary" data-action="cancel-visit-result" onClick=${() => done([])}>${t('cancel')}</button>
      <button type="submit" class="primary" data-action="save-visit-result" disabled=${saving}>${t('visit_result_save')}</button></div>
  </form>`;
}

/** The photos taken at a visit, as thumbnails, read where its result is (online; the server
 * answers only to someone who sees the visit's record). A photo whose file has not arrived
 * yet is counted, not drawn. */
function VisitPhotos({ recordId }) {
  const [thumbs, setThumbs] = useState(null);
  useEffect(() => {
    const urls = [];
    let alive = true;
    authed(`/visit-records/${recordId}/photos`).then(
      async (photos) => {
        const out = [];
        for (const p of photos) {
          const held = p.original.held || (p.copy && p.copy.held);
          const blob = held ? await authedBlob(`/evidence/${p.id}/files/thumb`).catch(() => null) : null;
          const url = blob ? URL.createObjectURL(blob) : null;
          if (url) urls.push(url);
          out.push({ id: p.id, url, held });
        }
        if (alive) setThumbs(out);
      },
      () => {},
    );
    return () => {
      alive = false;
      urls.forEach((u) => URL.revokeObjectURL(u));
    };
  }, [recordId]);
  if (!thumbs || !thumbs.length) return null;
  return html`<div class="thumbs" data-visit-photos=${thumbs.length}>${thumbs.map((p, i) =>
    p.url
      ? html`<img src=${p.url} alt=${`${t('photos')} ${i + 1}`} data-photo=${p.id} />`
      : html`<span class="thumb pending">${t(p.held ? 'thumb_failed' : 'thumb_not_uploaded')}</span>`,
  )}</div>`;
}

/** Each visit's record as this phone's outbox holds it (visits.visitStates), read again at
 * every change of the outbox; `sent` counts the ones the server has taken, so a page can
 * fetch its list again when one is. */
function useVisitStates(me) {
  const [states, setStates] = useState(new Map());
  useEffect(() => {
    let alive = true;
    const read = () => box.entries().then((es) => alive && setStates(visitStates(es, me.id)));
    read();
    const off = box.onChange(read);
    return () => {
      alive = false;
      off();
    };
  }, [me.id]);
  return states;
}

const settled = (states) => [...states.values()].filter((s) => s.state !== 'queued').length;

/** Whether the visit may be recorded (again): none on the phone, or the server refused it. */
const recordable = (s) => !s || s.state === 'refused';

/** What a refused record held, to open the form again with it. */
const againFrom = (s) => (s && s.state === 'refused' ? s.entry.mutation.payload : null);

/** Fetch the list again once the server has answered one more of this phone's records:
 * a visit recorded there is done, and leaves the list. */
function useRefetchWhenSettled(states, refetch) {
  const seen = useRef(null);
  const n = settled(states);
  useEffect(() => {
    if (seen.current !== null && n > seen.current) refetch();
    seen.current = n;
  }, [n]);
}

/** What a visit's record in the outbox means on the list: a chip and, refused, why. */
function VisitState({ s, visit, workflow }) {
  if (!s) return null;
  return html`<div class="visit-state" data-record-state=${s.state}>
    <span class=${`chip ${{ queued: 'st-pending', sent: 'st-done', taken: 'st-waiting', refused: 'st-attention' }[s.state]}`}>${t(`visit_state_${s.state}`)}</span>
    ${s.state === 'refused' ? html`<p class="reason" role="alert" data-reason=${s.entry.result && s.entry.result.reason}>${visitRefusal(workflow, visit, s.entry.result)}</p>` : null}
    ${s.state === 'taken' ? html`<p class="hint">${t('visit_taken_hint')}</p>` : null}
  </div>`;
}

function PlanDetail({ id, me, workflow, toast, changed }) {
  const [tick, setTick] = useState(0);
  const [plan, error] = useLoaded(`/inspection-plans/${id}`, [id, tick]);
  const [recording, setRecording] = useState(null); // the visit whose result is being recorded
  const states = useVisitStates(me);
  useRefetchWhenSettled(states, () => {
    setTick((n) => n + 1);
    changed();
  });
  async function record(v) {
    // The row to record is the officer's own (GET /inspection-visits/mine: it names the
    // visit's unit, which its record carries); offline, as last fetched.
    const mine = await authed('/inspection-visits/mine').then(
      async (list) => {
        await setMeta('visits', list);
        return list;
      },
      () => getMeta('visits', []),
    );
    setRecording(mine.find((m) => m.id === v.id) || v);
  }
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
    <p>${t('plan_matters')}: ${plan.matter_codes.join('、')} · ${t('plan_count')}: ${plan.object_count} · ${GRADES.filter(
      (g) => plan.shares[g],
    )
      .map((g) => `${t(`risk_${g}`)} ${plan.shares[g]}`)
      .join('，')}</p>
    <div class="actions">
      ${plan.status === 'draft' && leader ? html`<button type="button" class="primary" data-action="approve" onClick=${() => act('approve')}>${t('plan_approve')}</button>` : null}
      ${plan.status === 'approved' ? html`<button type="button" class="primary" data-action="draw" onClick=${() => act('draw')}>${t('plan_draw')}</button>` : null}
      ${plan.status === 'drawn' ? html`<button type="button" class="primary" data-action="publish" onClick=${() => act('publish')}>${t('plan_publish')}</button>` : null}
    </div>
    ${
      plan.seed_commitment
        ? html`<dl class="commitment"><dt>${t('draw_commitment')}</dt><dd><code data-commitment>${plan.seed_commitment}</code></dd>
      ${Object.entries(plan.register_hashes || {}).map(([k, v]) => html`<dt>${t(`draw_hash_${k}`)}</dt><dd><code>${v}</code></dd>`)}</dl>
      ${draw ? null : html`<p class="hint">${t('draw_commitment_hint')}</p>`}`
        : null
    }
    ${
      draw
        ? html`<div class="draw" data-draw=${draw.id}>
      <h3>${t('draw_result')}</h3>
      <dl><dt>${t('draw_seed')}</dt><dd><code data-seed>${draw.seed}</code></dd>
        ${Object.entries(draw.hashes).map(([k, v]) => html`<dt>${t(`draw_hash_${k}`)}</dt><dd><code>${v}</code></dd>`)}
        <dt>${t('draw_at')}</dt><dd>${when(draw.drawn_at)}</dd>
        ${draw.published_at ? html`<dt>${t('published_at')}</dt><dd>${when(draw.published_at)} · <a href=${`${BASE}/public/inspection-draws/${draw.id}`} target="_blank" rel="noopener">${t('draw_public_link')}</a></dd>` : null}
      </dl>
      <table class="grid"><thead><tr><th>${t('visit_object')}</th><th>${t('plan_matters')}</th><th>${t('visit_officers')}</th><th>${t('status')}</th></tr></thead>
        <tbody>${plan.visits.map(
          (v) => html`<tr data-visit=${v.id}><td>${v.object_name}</td><td>${
            v.status === 'done'
              ? html`<ul class="results">${v.checklist.map((i) => html`<li data-result=${i.result}>${i.matter_code}（${i.department_name || i.department}）：${t(`visit_${i.result}`)}${i.note ? ` · ${i.note}` : ''}</li>`)}</ul>${v.findings ? html`<p class="meta">${v.findings}</p>` : null}${v.record_id ? html`<${VisitPhotos} recordId=${v.record_id} />` : null}`
              : v.checklist.map((i) => i.matter_code).join('、')
          }</td><td>${(v.officer_names || v.officers).join('、')}</td><td>${v.joint ? t('visit_joint') : t(`visit_${v.status}`)}
          ${v.status === 'planned' ? html`<${VisitState} s=${states.get(v.id)} visit=${v} workflow=${workflow} />` : null}
          ${v.status === 'planned' && v.officers.includes(me.id) && recordable(states.get(v.id)) ? html` <button type="button" class="secondary small" data-action="record-visit" onClick=${() => record(v)}>${t('visit_result')}</button>` : null}</td></tr>`,
        )}</tbody></table>
      ${
        recording
          ? html`<${VisitResult} key=${recording.id} visit=${recording} me=${me} toast=${toast} again=${againFrom(states.get(recording.id))}
        done=${() => setRecording(null)} />`
          : null
      }
    </div>`
        : html`<p class="hint">${t('draw_hint')}</p>`
    }
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
    ${
      rows
        ? html`<ul class="list">${rows.map(
            (p) => html`<li class="row" data-proposal=${p.visit_ids.join(',')}>
      <span class="title">${p.object_name}</span>
      <span class="meta">${ownerNames(p).join(' + ')} · ${t('period_of', { from: p.period_start, to: p.period_end })}</span>
      <ul>${p.checklist.map((i) => html`<li>${i.item}（${i.department_name || i.department}）</li>`)}</ul>
      <button type="button" class="secondary" data-action="merge" onClick=${() => merge(p.visit_ids)}>${t('merge_confirm')}</button>
    </li>`,
          )}</ul>`
        : null
    }
  </section>`;
}

const SUPERVISING = ['dispatcher', 'leader', 'reviewer', 'admin'];
const pct = (s) => (s.share === null ? '—' : `${(s.share * 100).toFixed(1)}%`);

/** The seeds' figures over this year: planned vs done, 合并率, visits per business. */
function Figures({ me }) {
  const year = new Date().getFullYear();
  const path =
    me.unit && me.roles.some((r) => SUPERVISING.includes(r))
      ? `/units/${me.unit.code}/dashboard?from=${year}-01-01&to=${year}-12-31`
      : null;
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

export function Inspections() {
  const { me, matters, workflow, toast } = useApp();
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
    ${
      planner
        ? html`<section class="box plans">
      <h2>${t('plans')}</h2>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      ${plans && plans.length === 0 ? html`<p>${t('plans_none')}</p>` : null}
      ${
        plans && plans.length
          ? html`<table class="grid"><thead><tr><th>${t('plan_title')}</th><th>${t('plan_owner')}</th><th>${t('plan_period')}</th><th>${t('plan_count')}</th><th>${t('status')}</th></tr></thead>
        <tbody>${plans.map(
          (p) => html`<tr data-plan=${p.id} aria-selected=${p.id === selected ? 'true' : null}>
          <td><a href="#/inspections" onClick=${(e) => {
            e.preventDefault();
            setSelected(p.id);
          }}>${p.title}</a></td>
          <td>${p.owner.name}</td><td>${t('period_of', { from: p.period_start, to: p.period_end })}</td><td>${p.object_count}</td><td>${t(`plan_status_${p.status}`)}</td>
        </tr>`,
        )}</tbody></table>`
          : null
      }
    </section>`
        : null
    }
    ${selected ? html`<${PlanDetail} id=${selected} me=${me} workflow=${workflow} toast=${toast} changed=${() => setTick(tick + 1)} />` : null}
    ${planner ? html`<${NewPlan} me=${me} matters=${matters} done=${created} />` : null}
    ${planner ? html`<${Proposals} toast=${toast} tick=${tick} />` : null}
  </main>`;
}

/** A violation found on a visit, reported as a clue from the report screen, its matter and
 * place already filled (the photos are taken there; a draft in hand is never overwritten). */
async function reportViolation(me, visit, item) {
  const key = `draft:report:${me.id}`;
  const draft = await getMeta(key);
  if (!draft || (!draft.photos.length && !draft.matter_code && !draft.description)) {
    await setMeta(key, {
      step: 1,
      photos: [],
      matter_code: item.matter_code,
      address: visit.object_address || visit.object_name,
      description: `${visit.object_name}：${item.note || item.item || ''}（双随机抽查发现）`,
      done: null,
      result: '',
      call_back: false,
      id: crypto.randomUUID(),
    });
  }
  window.location.hash = '#/report';
}

/**
 * 检查任务 on the phone: the visits this officer was drawn for, where and what to check, and
 * the form to record one done. The list is fetched online and kept on the phone (read as
 * last fetched without a network); a visit is recorded with or without one, queued in the
 * outbox, and shows where its record stands until the server has it and the visit leaves
 * the list.
 */
export function MyVisits() {
  const { me, workflow, toast } = useApp();
  const [found, setFound] = useState(null); // { visit, items }: violations just recorded
  const [tick, setTick] = useState(0);
  const [visits, setVisits] = useState(null);
  const [error, setError] = useState(null);
  const [stale, setStale] = useState(false); // offline: the list as last fetched
  const [open, setOpen] = useState(null);
  const states = useVisitStates(me); // recorded on this phone: queued, sent or refused
  useRefetchWhenSettled(states, () => setTick((n) => n + 1));
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
    ${
      found && (me.roles || []).some((r) => ['officer', 'grid_worker', 'dispatcher'].includes(r))
        ? html`<section class="box found" data-found=${found.visit.id}>
      <h2>${t('visit_violations_found', { name: found.visit.object_name })}</h2>
      ${found.items.map(
        (
          item,
        ) => html`<p>${item.item || item.matter_code}（${item.department_name || item.department}）${item.note ? ` · ${item.note}` : ''}
        <button type="button" class="primary" data-action="report-violation" onClick=${() => reportViolation(me, found.visit, item)}>${t('report')}</button></p>`,
      )}
    </section>`
        : null
    }
    ${visits && !visits.length ? html`<p>${t('my_visits_none')}</p>` : null}
    ${
      visits
        ? html`<ul class="list">${visits.map(
            (v) => html`<li class="row" data-visit=${v.id}>
      <span class="title">${v.object_name}${v.joint ? html` <span class="chip">${t('visit_joint')}</span>` : null}</span>
      <span class="meta">${v.object_address || ''}</span>
      <span class="meta">${t('period_of', { from: v.period_start, to: v.period_end })} · ${(v.officer_names || []).join('、')}</span>
      <ul>${v.checklist.map((i) => html`<li>${i.item || i.matter_code}（${i.department_name || i.department}）</li>`)}</ul>
      ${v.object_location ? html`<a class="secondary button" href=${`geo:${v.object_location.lat},${v.object_location.lng}`}>${t('navigate')}</a>` : null}
      <${VisitState} s=${states.get(v.id)} visit=${v} workflow=${workflow} />
      ${
        open && open.id === v.id
          ? html`<${VisitResult} key=${v.id} visit=${v} me=${me} toast=${toast} again=${againFrom(states.get(v.id))}
            done=${(items) => {
              setOpen(null);
              setTick(tick + 1);
              if (items && items.length) setFound({ visit: v, items });
            }} />`
          : recordable(states.get(v.id))
            ? html`<button type="button" class="primary big" data-action="record-visit" onClick=${() => setOpen(v)}>${t('visit_result')}</button>`
            : null
      }
    </li>`,
          )}</ul>`
        : null
    }
  </main>`;
}
