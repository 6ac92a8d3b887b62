// The console (指挥室): the same app on a supervisor's desktop. The inbox is what the
// workflow lets this person do now, grouped by what it is waiting for; the record page shows
// everything known about a clue; every act is a step queued and synced like a phone's, so the
// server's rules decide and the audit chain records it. New field records arrive by the
// pull cursor (polled), without a reload.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Offline } from './api.js';
import { CaseDetail, Estimated, clock, may, offered, penaltyText, useRecords } from './cases.js';
import { L, t, when } from './i18n.js';
import { chinaMinute, townshipPath } from './rules.js';
import { Legend, MapView } from './map.js';
import * as box from './outbox.js';
import { Basis, InspectionRecords } from './basis.js';
import { pickedFix } from './screens.js';
import { chinaDate, publicationState } from './public.js';
import { authed, authedBlob, deskOnly } from './session.js';
import { ArgsForm, ChoiceSelect, Field, StateChip, argsComplete, argsValues, html, localToIso, refusalLines, saveBlob, today } from './ui.js';

export { Inspections } from './inspections.js'; // 双随机一公开 and 综合查一次 (issue 21)
export { Catalogue } from './catalogue.js'; // 事项目录: bases, discretion standards, history

const HOUR = 3600000;
// Who supervises at the desk; a department's user who holds none of these sees only what is
// addressed to his department.
const SUPERVISING_ROLES = ['dispatcher', 'leader', 'reviewer', 'admin'];

function go(hash) {
  window.location.hash = hash;
}

/** The people as the workflow's "officer" arg needs them: certified officers of my units. */
function officers(people) {
  return (people || []).filter((p) => (p.roles || []).includes('officer') && p.active !== false);
}

function metres(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371000 * Math.asin(Math.sqrt(h));
}

/**
 * Who to assign: each officer with his open tasks and how far his last known position (the
 * place of the last clue he took or reported) is from this clue; least loaded, then nearest.
 */
export function assignees(people, clues, target, running) {
  return officers(people)
    .map((p) => {
      const his = clues.filter((c) => c.taken_by === p.id || c.assignee_id === p.id || c.reporter_id === p.id);
      const open = his.filter((c) => running.includes(c.status) && (c.taken_by === p.id || c.assignee_id === p.id)).length;
      const last = his.filter((c) => c.location && c.id !== target.id).sort((a, b) => (b.taken_at || b.created_at || '').localeCompare(a.taken_at || a.created_at || ''))[0];
      const distance = last && target.location ? metres(last.location, target.location) : null;
      return { person: p, open, distance };
    })
    .sort((a, b) => a.open - b.open || (a.distance ?? Infinity) - (b.distance ?? Infinity) || a.person.display_name.localeCompare(b.person.display_name));
}

function km(m) {
  if (m == null) return '';
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`;
}

// -- the inbox -----------------------------------------------------------------------------

const TYPES = ['clue', 'case', 'collaboration', 'conflict'];

function title(type, rec, matters, departments, me) {
  if (type === 'conflict') return `${t(rec.field)} · ${rec.record_type}`;
  if (type === 'collaboration') {
    // The department's own desk needs no department's name: what is asked says it all.
    if (me && me.roles.includes('department')) return (rec.question || '').slice(0, 60);
    const dept = (departments || []).find((d) => d.code === rec.department);
    return `${(dept && dept.name) || rec.department || ''} · ${(rec.question || '').slice(0, 40)}`;
  }
  const matter = matters.find((m) => m.code === rec.matter_code);
  const name = rec.matter_name || (matter && matter.name) || rec.matter_code || '';
  return type === 'case' && rec.party ? `${rec.party.name} · ${name}` : name;
}

function hrefOf(type, rec, me) {
  // A collaboration request is shown on its case's page to the township, on its own to the
  // department it is addressed to (which never sees the case).
  if (type === 'collaboration') return me && me.roles.includes('department') ? `#/collaboration/${rec.id}` : `#/case/${rec.case_id || rec.parent_id}`;
  if (type === 'conflict') return rec.record_type === 'clue' ? `#/clue/${rec.record_id}` : `#/${rec.record_type}/${rec.record_id}`;
  return `#/${type}/${rec.id}`;
}

/** Inbox rows: every record that offers this person a step, grouped by type and status. */
export function inboxRows(workflow, me, records, now = Date.now()) {
  const rows = [];
  for (const type of TYPES) {
    if (!workflow.records[type]) continue; // a workflow cached from an older server
    for (const rec of records[type] || []) {
      const steps = offered(workflow, type, rec, me);
      const { late, soon, left } = clock(workflow.records[type], rec, now);
      if (!steps.length && !late && !soon) continue;
      const bucket = steps.length ? `${type}:${rec.status}` : late ? 'overdue' : 'due_soon';
      rows.push({ type, rec, steps, late: !!late, soon, left, bucket });
    }
  }
  return rows;
}

const COLUMNS = [
  ['code', (r) => r.rec.code || ''],
  ['title', (r) => r.title],
  ['township', (r) => r.township || ''],
  ['unit', (r) => r.rec.unit_name || r.rec.unit_code || ''],
  ['reporter', (r) => r.rec.reporter_name || ''],
  ['reported_at', (r) => r.rec.created_at || ''],
  ['due', (r) => r.rec.deadline || r.rec.decision_due || r.rec.due || ''],
  ['status', (r) => r.rec.status || ''],
];

function bucketLabel(workflow, key) {
  if (key === 'overdue') return t('overdue');
  if (key === 'due_soon') return t('due_soon');
  if (key === 'all') return t('all');
  const [type, status] = key.split(':');
  const spec = workflow.records[type];
  return `${L(spec.label)} · ${L(spec.statuses && spec.statuses[status]) || status}`;
}

const SEARCH_PAGE = 20;

/** The inbox's words searched on the server (GET /clues?q=): every clue this person may list,
 * closed ones and those not on this device too, a page at a time. */
function ServerSearch({ q, workflow, matters }) {
  const term = q.trim();
  const [found, setFound] = useState({ term: '', items: [], more: false, error: null });
  const [page, setPage] = useState(1);
  useEffect(() => setPage(1), [term]);
  useEffect(() => {
    if (!term) return undefined;
    if (term.length > 100) {
      setFound({ term, items: [], more: false, error: 'inbox_search_long' });
      return undefined;
    }
    let live = true;
    // Typing is not searching: ask once the words rest.
    const timer = setTimeout(() => {
      authed(`/clues?q=${encodeURIComponent(term)}&page=${page}&page_size=${SEARCH_PAGE}`).then(
        (items) => live && setFound((was) => ({ term, items: page > 1 && was.term === term ? [...was.items, ...items] : items, more: items.length === SEARCH_PAGE, error: null })),
        (err) => live && setFound({ term, items: [], more: false, error: err instanceof Offline ? 'inbox_search_offline' : err.status === 422 ? 'inbox_search_long' : 'inbox_search_failed' }),
      );
    }, page > 1 ? 0 : 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [term, page]);
  if (!term) return null;
  const settled = found.term === term;
  const matterOf = (c) => (matters || []).find((m) => m.code === c.matter_code);
  return html`<section class="inbox-search" data-search=${term} aria-live="polite">
    <h2>${t('inbox_search_h', { q: term })}</h2>
    ${!settled ? html`<p class="hint">${t('inbox_searching')}</p>`
      : found.error ? html`<p class="warn" role="alert" data-search-error=${found.error}>${t(found.error)}</p>`
      : !found.items.length ? html`<p data-search-none>${t('inbox_search_none')}</p>`
      : html`<table class="grid" data-found=${found.items.length}>
        <thead><tr>${['code', 'title', 'address', 'reporter', 'reported_at', 'status'].map((k) => html`<th scope="col">${t(k)}</th>`)}</tr></thead>
        <tbody>${found.items.map((c) => html`<tr data-found-clue=${c.id} onClick=${() => go(`#/clue/${c.id}`)}>
          <td>${c.code}</td>
          <td><a href=${`#/clue/${c.id}`}>${(matterOf(c) && matterOf(c).short_name) || c.matter_name}</a></td>
          <td>${c.address || ''}</td>
          <td>${c.reporter_name || ''}</td>
          <td>${when(c.created_at)}</td>
          <td>${L(workflow.records.clue.statuses[c.status])}</td>
        </tr>`)}</tbody>
      </table>
      ${found.more ? html`<div class="pager"><button type="button" class="secondary" data-action="search-more" onClick=${() => setPage(page + 1)}>${t('inbox_search_more')}</button></div>` : null}`}
  </section>`;
}

export function Inbox({ me, workflow, matters, departments, version }) {
  const clues = useRecords('clue', workflow, me, version);
  const cases = useRecords('case', workflow, me, version);
  const conflicts = useRecords('conflict', workflow, me, version);
  const collaborations = useRecords('collaboration', workflow, me, version);
  const [calendar] = useFetched('/calendar', []);
  const [units] = useFetched('/units', []);
  const [bucket, setBucket] = useState('all');
  const [sort, setSort] = useState(['reported_at', 1]);
  const [filter, setFilter] = useState('');
  const [domain, setDomain] = useState('');
  const [cursor, setCursor] = useState(0);
  const filterBox = useRef(null);
  const ready = clues && cases && conflicts && collaborations;
  const rows = useMemo(() => {
    if (!ready) return [];
    const records = { clue: clues, case: cases, collaboration: collaborations, conflict: conflicts };
    // The township a record belongs to, by its unit's place in the unit tree.
    const township = (rec) => {
      const unit = (units || []).find((u) => u.code === rec.unit_code) || {};
      const path = rec.unit_path || unit.path || (rec.case_facts && rec.case_facts.unit_path);
      return (path && ((units || []).find((u) => u.path === townshipPath(path)) || {}).name) || '';
    };
    return inboxRows(workflow, me, records).map((r) => ({ ...r, title: title(r.type, r.rec, matters, departments, me), township: township(r.rec) }));
  }, [clues, cases, conflicts, collaborations, departments, units]);
  // A county desk sees several townships' records: each row says whose it is.
  const columns = COLUMNS.filter(([k]) => k !== 'township' || (me.unit && me.unit.level === 'county'));
  const buckets = {};
  for (const r of rows) {
    buckets[r.bucket] = (buckets[r.bucket] || 0) + 1;
    if (r.late && r.bucket !== 'overdue') buckets.overdue = (buckets.overdue || 0) + 1;
    if (r.soon && r.bucket !== 'due_soon') buckets.due_soon = (buckets.due_soon || 0) + 1;
  }
  const domains = [...new Set(matters.map((m) => m.domain))];
  const needle = filter.trim().toLowerCase();
  const [key, dir] = sort;
  const value = COLUMNS.find(([k]) => k === key)[1];
  const shown = rows
    .filter((r) => bucket === 'all' || r.bucket === bucket || (bucket === 'overdue' && r.late) || (bucket === 'due_soon' && r.soon))
    .filter((r) => !domain || (matters.find((m) => m.code === r.rec.matter_code) || {}).domain === domain)
    .filter((r) => !needle || [r.rec.code, r.title, r.township, r.rec.address, r.rec.description, r.rec.reporter_name, r.rec.unit_name].some((x) => x && String(x).toLowerCase().includes(needle)))
    .sort((a, b) => dir * String(value(a)).localeCompare(String(value(b))));
  const at = Math.min(cursor, Math.max(0, shown.length - 1));
  // The key handler reads the rows as last rendered: effects run after paint, so a handler
  // re-registered per render would open the row before the cursor moved if keys come fast.
  const live = useRef(null);
  live.current = { shown, at };

  useEffect(() => {
    function onKey(e) {
      if (e.target.closest && e.target.closest('input, textarea, select')) {
        if (e.key === 'Escape') e.target.blur();
        return;
      }
      const { shown: list, at: here } = live.current;
      const move = (to) => {
        live.current.at = to; // before the render, so a quick Enter opens this row
        setCursor(to);
      };
      if (e.key === 'j' || e.key === 'ArrowDown') move(Math.max(0, Math.min(here + 1, list.length - 1)));
      else if (e.key === 'k' || e.key === 'ArrowUp') move(Math.max(here - 1, 0));
      else if (e.key === 'Enter' && list[here]) go(hrefOf(list[here].type, list[here].rec, me));
      else if (e.key === '/') filterBox.current && filterBox.current.focus();
      else return;
      e.preventDefault();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (!ready) return null;
  const header = (k) => html`<th scope="col" data-col=${k} aria-sort=${key === k ? (dir > 0 ? 'ascending' : 'descending') : 'none'}>
    <button type="button" class="sort" data-sort=${k} onClick=${() => setSort([k, key === k ? -dir : 1])}>${t(k)}${key === k ? (dir > 0 ? ' ▲' : ' ▼') : ''}</button></th>`;
  return html`<main class="console inbox">
    <h1>${t('inbox')}</h1>
    ${calendar && calendar.missing.length ? html`<p class="warn banner" role="alert" data-missing=${calendar.missing.join(',')}>
      <a href="#/calendar">${t('calendar_missing_years', { years: calendar.missing.join('、') })}</a></p>` : null}
    <nav class="buckets" aria-label=${t('inbox')}>
      ${['all', ...Object.keys(buckets).sort()].map((b) => html`<button type="button" data-bucket=${b}
        class=${`tab ${bucket === b ? 'on' : ''} ${b === 'overdue' ? 'late' : ''}`} aria-pressed=${bucket === b}
        onClick=${() => { setBucket(b); setCursor(0); }}>${bucketLabel(workflow, b)} <span class="n">${b === 'all' ? rows.length : buckets[b]}</span></button>`)}
    </nav>
    <div class="filters">
      <input ref=${filterBox} type="search" name="filter" aria-label=${t('filter_hint')} placeholder=${t('filter_hint')} value=${filter} onInput=${(e) => { setFilter(e.currentTarget.value); setCursor(0); }} />
      <select name="domain" aria-label=${t('filter_domain')} value=${domain} onChange=${(e) => setDomain(e.currentTarget.value)}>
        <option value="">${t('all_domains')}</option>${domains.map((d) => html`<option value=${d}>${d}</option>`)}
      </select>
    </div>
    <p class="hint">${t('keys_hint')}</p>
    <table class="grid" data-rows=${shown.length}>
      <thead><tr>${columns.map(([k]) => header(k))}<th scope="col" data-col="next">${t('next_steps')}</th></tr></thead>
      <tbody>${shown.map((r, i) => html`<tr class=${`${i === at ? 'cursor' : ''} ${r.late ? 'late' : ''}`} data-inbox=${r.rec.id} data-type=${r.type} data-bucket=${r.bucket}
          onClick=${() => go(hrefOf(r.type, r.rec, me))}>
        <td data-col="code">${r.rec.code || ''}</td>
        <td data-col="title"><a href=${hrefOf(r.type, r.rec, me)}>${r.title}</a>${(r.rec.possible_duplicates || []).length ? html` <span class="chip st-attention" data-dup="yes">${t('possible_duplicate')}</span>` : null}
          ${r.type === 'clue' && r.rec.location_source === 'address' ? html` <span class="chip st-attention" data-no-coords="yes">${t('no_location_chip')}</span>
            <span class="meta" data-place>${r.rec.address}</span>` : null}</td>
        ${columns.some(([k]) => k === 'township') ? html`<td data-col="township" data-township=${r.township}>${r.township}</td>` : null}
        <td data-col="unit">${r.rec.unit_name || ''}</td>
        <td data-col="reporter">${r.rec.reporter_name || ''}</td>
        <td data-col="reported_at">${when(r.rec.created_at)}</td>
        <td data-col="due">${r.rec.deadline ? when(r.rec.deadline) : r.rec.decision_due || r.rec.due || ''}${r.late ? html` <strong class="overdue">${t('overdue')}</strong>` : null}${r.soon ? html` <span class="chip st-attention" data-due-soon=${r.soon}>${t('days_left', { n: r.left })}</span>` : null}</td>
        <td data-col="status">${L(workflow.records[r.type].statuses[r.rec.status])}${r.rec.local ? html` <${StateChip} state=${r.rec.local} />` : null}</td>
        <td data-col="next">${r.steps.map(([, s]) => L(s.label)).join(' / ')}</td>
      </tr>`)}</tbody>
    </table>
    ${shown.length === 0 ? html`<p>${t('inbox_empty')}</p>` : null}
    <${ServerSearch} q=${filter} workflow=${workflow} matters=${matters} />
  </main>`;
}

// -- the record page -----------------------------------------------------------------------

function useFetched(path, deps) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let alive = true;
    authed(path).then((d) => alive && setData(d), (e) => alive && setError(e instanceof Offline ? 'offline' : e.message));
    return () => {
      alive = false;
    };
  }, deps);
  return [data, error];
}

/** Thumbnails first; the 1600 px copy on a click; the original only when asked (audited). */
function Gallery({ clueId, workflow, version, toast }) {
  const [items, error] = useFetched(`/clues/${clueId}/evidence`, [clueId, version]);
  const [thumbs, setThumbs] = useState({});
  const [open, setOpen] = useState(null);
  const urls = useRef([]);
  useEffect(() => () => urls.current.forEach((u) => URL.revokeObjectURL(u)), []);
  useEffect(() => {
    if (!items) return;
    for (const e of items) {
      if (thumbs[e.id] || !(e.original.held || (e.copy && e.copy.held))) continue;
      authedBlob(`/evidence/${e.id}/files/thumb`).then((b) => {
        const u = URL.createObjectURL(b);
        urls.current.push(u);
        setThumbs((x) => ({ ...x, [e.id]: u }));
      }, () => {});
    }
  }, [items]);
  async function show(e, variant) {
    try {
      const u = URL.createObjectURL(await authedBlob(`/evidence/${e.id}/files/${variant}`));
      urls.current.push(u);
      setOpen({ id: e.id, variant, url: u, name: `${e.original.sha256.slice(0, 16)}.${(e.original.media_type || 'image/jpeg').split('/')[1]}` });
    } catch (err) {
      toast(err instanceof Offline ? t('offline') : err.message);
    }
  }
  if (error) return html`<p class="hint">${t('evidence')}: ${error === 'offline' ? t('offline') : error}</p>`;
  if (!items) return null;
  return html`<section class="box gallery"><h2>${t('evidence')} (${items.length})</h2>
    ${items.length ? null : html`<p class="hint" data-no-evidence="yes">${t('no_evidence')}</p>`}
    <ul class="thumbs">${items.map((e) => html`<li data-evidence=${e.id} data-status=${e.status}>
      ${thumbs[e.id]
        ? html`<button type="button" class="thumb-button" onClick=${() => show(e, 'display')}><img class="thumb" src=${thumbs[e.id]} alt=${t('evidence')} width="120" height="120" /></button>`
        : html`<span class="thumb pending">${t('not_yet_uploaded')}</span>`}
      <span class="meta">${when(e.captured_at)}${e.status === 'excluded' ? ` · ${L(workflow.records.evidence.statuses.excluded)}` : ''}</span>
      ${(e.disagreements || []).length ? html`<span class="warn" data-disagreement=${e.disagreements.map((d) => d.field || d.kind || d).join(',')}>${t('exif_disagrees')}: ${e.disagreements.map((d) => d.field || d.kind || d).join('、')}</span>` : null}
      ${e.original.held ? html`<button type="button" class="link-ink small" data-original=${e.id} onClick=${() => show(e, 'original')}>${t('original')}</button>` : null}
    </li>`)}</ul>
    ${open ? html`<figure class="lightbox" data-open=${open.variant}>
      ${open.variant === 'original'
        ? html`<a class="big" href=${open.url} download=${open.name}>${t('download_original')}</a>`
        : html`<img src=${open.url} alt=${t('evidence')} />`}
      <button type="button" class="secondary" onClick=${() => setOpen(null)}>${t('close')}</button></figure>` : null}
  </section>`;
}

/** The clue's history, oldest first, a page at a time (``more`` fetches the next). A step is
 * named only from the workflow; a step it does not declare is shown as unknown, never as the
 * text a device sent. */
function Timeline({ clueId, workflow, version }) {
  const [first, error] = useFetched(`/clues/${clueId}/timeline`, [clueId, version]);
  const [later, setLater] = useState([]);
  useEffect(() => setLater([]), [first]);
  if (error) return html`<p class="hint">${t('timeline')}: ${error === 'offline' ? t('offline') : error}</p>`;
  if (!first) return null;
  const last = later.length ? later[later.length - 1] : first;
  const data = { entries: [first, ...later].flatMap((p) => p.entries) };
  const more = () => authed(`/clues/${clueId}/timeline?cursor=${encodeURIComponent(last.cursor)}`).then((p) => setLater([...later, p]));
  const stepLabel = (e) => {
    const spec = workflow.records[e.record_type];
    if (e.step && spec && spec.transitions[e.step]) return L(spec.transitions[e.step].label);
    const kind = spec ? L(spec.label) : e.record_type;
    return `${t(e.action)} ${kind || ''}${e.unknown_step ? ` · ${t('unknown_step')}` : ''}`;
  };
  return html`<section class="box timeline"><h2>${t('timeline')}</h2>
    <table class="grid"><thead><tr><th>${t('server_time')}</th><th>${t('who')}</th><th>${t('what')}</th><th>${t('result_col')}</th><th>${t('device_time')}</th></tr></thead>
    <tbody>${data.entries.map((e) => html`<tr data-seq=${e.seq} data-action=${e.action} data-step=${e.step || ''} class=${e.outcome === 'rejected' ? 'late' : ''}>
      <td>${when(e.at)}</td><td>${e.actor_name || ''}</td><td>${stepLabel(e)}</td>
      <td>${e.outcome ? (L(workflow.reasons[e.reason]) || t(e.outcome)) : ''}</td>
      <td>${e.device_time ? html`${when(e.device_time)}${e.skew_s != null && Math.abs(e.skew_s) > 300 ? html` <span class="chip st-attention" data-skew=${e.skew_s}>${t('clock_off', { h: (e.skew_s / 3600).toFixed(1) })}</span>` : null}` : ''}
        ${e.device_id ? html`<span class="hint"> ${e.device_id.slice(0, 8)}</span>` : null}</td>
    </tr>`)}</tbody></table>
    ${last.more ? html`<button type="button" class="secondary" data-more="timeline" onClick=${more}>${t('timeline_more')}</button>` : null}</section>`;
}

function value(v) {
  if (v == null) return '—';
  if (typeof v === 'boolean') return t(v ? 'yes' : 'no');
  if (typeof v !== 'object') return String(v);
  if ('lat' in v && 'lng' in v) {
    const at = `${Number(v.lat).toFixed(5)}, ${Number(v.lng).toFixed(5)}`;
    return v.accuracy_m != null ? `${at} · ${t('accuracy', { m: Math.round(v.accuracy_m) })}` : at;
  }
  if ('done' in v) return [t(v.done ? 'dissuaded' : 'not_dissuaded'), v.result, v.at && when(v.at)].filter(Boolean).join('，');
  return Object.entries(v).filter(([, x]) => x != null).map(([k, x]) => `${t(k)}：${value(x)}`).join('；');
}

function same(a, b) {
  if (a && b && typeof a === 'object' && 'lat' in a) return a.lat === b.lat && a.lng === b.lng;
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** What a device sent whole and the server did not apply as sent (R1: the same mutation id
 * with other content; R2: a record id already taken): the step, then each field it carried,
 * those that differ from the record shown above marked, so the desk reads a difference,
 * not JSON. */
function SentWhole({ sent, rec, workflow, matters }) {
  if (!sent || typeof sent !== 'object' || !sent.payload) return value(sent);
  const spec = workflow.records[sent.record_type];
  const step = sent.op === 'transition' && spec && spec.transitions[sent.payload.name];
  const what = step ? L(step.label) : `${t(`sync.${sent.op}`)} ${spec ? L(spec.label) : sent.record_type}`;
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

/** Whether R8 flagged ``other`` as a possible duplicate of ``rec``. */
function twin(rec, other) {
  return (rec.possible_duplicates || []).some((d) => d.clue_id === other.id);
}

/** A step's form in the console: the workflow's args, with pickers for officers and clues. */
function StepForm({ type, rec, name, workflow, me, people, clues, toast, done, preset = {} }) {
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
    await box.record(me.id, [{ record_type: type, record_id: rec.id, op: 'transition', base_version: rec.version || null, payload: { name, args } }]);
    toast(t('sent_toast'));
    done();
  }
  const set = (k, v) => setValues({ ...values, [k]: v });
  return html`<section class="box step-form" data-step=${name}><h2>${L(step.label)}</h2>
    ${step.explains ? html`<p class="explains">${L(step.explains)}</p>` : null}
    ${Object.entries(special).map(([k, s]) => s.type === 'officer'
      ? html`<${Field} label=${`${t(k)}${s.required ? ' *' : ''}`} hint=${t('assignee_hint')}>
          <select name=${k} value=${values[k] ?? ''} onChange=${(e) => set(k, e.currentTarget.value ? Number(e.currentTarget.value) : null)}>
            <option value="">${t('the_team')}</option>
            ${assignees(people, clues, rec, workflow.records.clue.clocks.deadline.running).map((a) => html`<option value=${a.person.id} data-open=${a.open}>${a.person.display_name} · ${t('open_n', { n: a.open })}${a.distance != null ? ` · ${km(a.distance)}` : ''}</option>`)}
          </select></${Field}>`
      : html`<${Field} label=${`${t(k)}${s.required ? ' *' : ''}`}>
          <select name=${k} required=${s.required} value=${values[k] ?? ''} onChange=${(e) => set(k, e.currentTarget.value || null)}>
            <option value="">${t('choose')}</option>
            ${clues.filter((c) => c.id !== rec.id && !['withdrawn', 'duplicate', 'rejected'].includes(c.status))
              .sort((a, b) => Number(!twin(rec, a)) - Number(!twin(rec, b)))
              .slice(0, 200)
              .map((c) => html`<option value=${c.id}>${c.code || c.id.slice(0, 8)} · ${c.matter_name || c.matter_code} · ${when(c.created_at)}</option>`)}
          </select></${Field}>`)}
    <${ArgsForm} args=${rest} values=${values} setValues=${setValues} />
    <div class="actions"><button type="button" class="secondary" onClick=${done}>${t('cancel')}</button>
    <button type="button" class="primary" data-action="save-step" disabled=${!argsComplete(step.args, values)} onClick=${save}>${step.commit ? L(step.commit) : t('confirm')}</button></div>
  </section>`;
}

/** Two clues side by side: the one in hand and a suspected duplicate (R8), in place and time. */
function Duplicates({ rec, clues, workflow, choose }) {
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

function Conflicts({ rec, workflow, me, people, matters, conflicts, toast }) {
  const open = conflicts.filter((c) => c.record_id === rec.id && c.status === 'open');
  const [resolving, setResolving] = useState(null);
  if (!open.length) return null;
  const name = (id) => (people.find((p) => p.id === id) || {}).display_name || id;
  return html`<section class="box conflicts"><h2>${t('conflicts')}</h2>
    <div class="scroll"><table class="grid"><thead><tr><th>${t('field')}</th><th>${t('server_value')}</th><th>${t('device_value')}</th><th></th></tr></thead>
    <tbody>${open.map((c) => html`<tr data-conflict=${c.id}><td>${t(c.field)}</td>
      <td>${c.field === '*' ? t('whole_server') : value(c.server_value)} <span class="hint">${name(c.server_by)}</span></td>
      <td>${c.field === '*' ? html`<${SentWhole} sent=${c.device_value} rec=${rec} workflow=${workflow} matters=${matters} />` : value(c.device_value)} <span class="hint">${name(c.device_by)}</span></td>
      <td>${offered(workflow, 'conflict', c, me).map(([n, s]) => html`<button type="button" class="secondary small" data-transition=${n} onClick=${() => setResolving(c)}>${L(s.label)}</button>`)}</td></tr>`)}</tbody></table></div>
    ${resolving ? html`<${StepForm} type="conflict" rec=${resolving} name="resolve" workflow=${workflow} me=${me} people=${people} clues=${[]} toast=${toast} done=${() => setResolving(null)} />` : null}
  </section>`;
}

/** An address-only report (无定位) placed at the desk: the dispatcher taps the place on the
 * map and saves; the server makes it 地图选点 and its stamp and the audit log name him. */
function SetPlace({ rec, workflow, me, settings, toast }) {
  const [picked, setPicked] = useState(null);
  const rules = workflow.records.clue.fields.location.edit;
  const allowed = rules.some((r) => r.in.includes(rec.status) && r.who.some((w) => me.roles.includes(w)));
  const points = useMemo(() => (picked ? [{ id: 'picked', lat: picked.lat, lng: picked.lng, label: t('picked'), kind: 'open' }] : []), [picked]);
  if (rec.location || !allowed) return null;
  async function save() {
    await box.record(me.id, [{ record_type: 'clue', record_id: rec.id, op: 'update', base_version: rec.version || null, payload: { location: pickedFix(picked) } }]);
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

export function ConsoleClue({ me, workflow, matters, people, departments, version, id, toast, settings }) {
  const clues = useRecords('clue', workflow, me, version);
  const conflicts = useRecords('conflict', workflow, me, version);
  const [step, setStep] = useState(null);
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
  const points = [rec, ...others].filter((c) => c.location).map((c) => ({ id: c.id, lat: c.location.lat, lng: c.location.lng, accuracy_m: c.location.accuracy_m, label: c.code || '', kind: c.id === rec.id ? 'open' : 'other' }));
  const fact = (k, v) => (v ? html`<dt>${t(k)}</dt><dd data-fact=${k}>${v}</dd>` : null);
  const dissuasion = rec.dissuasion || {};
  const handling = rec.handling_outcome ? L(spec.transitions.handle.args.outcome.labels[rec.handling_outcome]) : null;
  const assignee = rec.assignee_id ? (people.find((p) => p.id === rec.assignee_id) || {}).display_name : rec.status === 'assigned' ? t('the_team') : null;
  return html`<main class="console record" data-clue=${rec.id}>
    <p><a href="#/console">← ${t('inbox')}</a></p>
    <h1>${rec.matter_name || rec.matter_code} <span class="chip st-status" data-status=${rec.status}>${L(spec.statuses[rec.status])}</span>
      ${rec.local ? html`<${StateChip} state=${rec.local} />` : null}</h1>
    <div class="columns">
      <div>
        <dl class="facts">
          ${fact('clue', rec.code)}
          ${fact('unit', rec.unit_name)}
          ${fact('address', rec.address)}
          ${fact('description', rec.description)}
          ${fact('reporter', rec.reporter_name)}
          ${fact('reported_at', rec.created_at && `${when(rec.created_at)}${rec.clock_skew_s != null && Math.abs(rec.clock_skew_s) > 300 ? ` · ${t('clock_off', { h: (rec.clock_skew_s / 3600).toFixed(1) })}` : ''}`)}
          ${fact('location', rec.location ? `${rec.location.lat.toFixed(5)}, ${rec.location.lng.toFixed(5)} · ${t('accuracy', { m: Math.round(rec.location.accuracy_m) })}` : t('unit_from_reporter'))}
          ${fact('location_source', rec.location_source && rec.location_source !== 'gps' && L(spec.fields.location_source.labels[rec.location_source]))}
          ${fact('dissuasion', dissuasion.done ? `${L(spec.fields.dissuasion.labels[dissuasion.result]) || ''} · ${when(dissuasion.at)}`
            : dissuasion.result ? t('not_dissuaded_because', { why: L(spec.fields.dissuasion.labels[dissuasion.result]) }) : t('not_dissuaded'))}
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
        ${step
          ? html`<${StepForm} type="clue" rec=${rec} name=${step.name} preset=${step.preset} workflow=${workflow} me=${me} people=${people} clues=${clues} toast=${toast} done=${() => setStep(null)} />`
          : html`<div class="actions wrap">${steps.map(([n, s]) => html`<button type="button" class=${n === 'transfer' && notEmpowered ? 'primary' : 'secondary'} data-transition=${n} onClick=${() => setStep({ name: n, preset: {} })}>${L(s.label)}</button>`)}</div>`}
      </div>
      <div>
        ${rec.location ? html`<${MapView} points=${points} tiles=${settings && settings.map} height=${300} />`
          : html`<${SetPlace} rec=${rec} workflow=${workflow} me=${me} settings=${settings} toast=${toast} />`}
        <${Gallery} clueId=${rec.id} workflow=${workflow} version=${version} toast=${toast} />
      </div>
    </div>
    <${Duplicates} rec=${rec} clues=${clues} workflow=${workflow}
      choose=${steps.some(([n]) => n === 'mark_duplicate') ? (other) => setStep({ name: 'mark_duplicate', preset: { duplicate_of: other } }) : null} />
    <${Conflicts} rec=${rec} workflow=${workflow} me=${me} people=${people} matters=${matters} conflicts=${conflicts} toast=${toast} />
    ${!department && (rec.local === undefined || rec.version) ? html`<${Timeline} clueId=${rec.id} workflow=${workflow} version=${`${version}:${rec.version}`} />` : null}
  </main>`;
}

/**
 * 执法协作申请: what this case asked county departments, each with the department's due day
 * (the clock the workflow declares: 5 working days, 10 once extended, counted by the server),
 * its answer, and the steps the workflow offers now (extend, answer, withdraw); a new request
 * from the fields the workflow declares. The server's rules decide; a refusal comes back to
 * the outbox in plain words.
 */
function Collaborations({ rec, workflow, me, people, departments, version, toast }) {
  const all = useRecords('collaboration', workflow, me, version);
  const [step, setStep] = useState(null); // { name, on } for a step; { name: 'create' }
  const [values, setValues] = useState({});
  const spec = workflow.records.collaboration;
  if (!all || !spec) return null;
  const mine = all.filter((c) => c.case_id === rec.id || c.parent_id === rec.id).sort((a, b) => (b.sent_on || '').localeCompare(a.sent_on || ''));
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
        ${departments && departments.length
          ? html`<select name="department" required value=${values.department ?? ''} onChange=${(e) => setValues({ ...values, department: e.currentTarget.value || null })}>
              <option value="">${t('choose')}</option>
              ${departments.map((d) => html`<option value=${d.code}>${d.name}</option>`)}
            </select>`
          : html`<input name="department" required maxlength="64" value=${values.department ?? ''} onInput=${(e) => setValues({ ...values, department: e.currentTarget.value })} />`}
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
    ${mine.length ? html`<ul class="list">${mine.map((c) => {
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
    })}</ul>` : null}
    ${form || (canAsk ? html`<div class="actions"><button type="button" class="secondary" data-action="new-collaboration" onClick=${() => open('create')}>${t('new_collaboration')}</button></div>` : null)}
  </section>`;
}

/**
 * A collaboration request on its own page: what the department it is addressed to reads and
 * answers (the case's facts the request carries, never the case), and what the township
 * reads of its progress. Its steps are those the workflow offers this person now: accept,
 * answer, extend once, refuse; the township's record of a paper answer, withdraw.
 */
export function ConsoleCollaboration({ me, workflow, matters, people, departments, version, id, toast }) {
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
        ${step
          ? html`<${StepForm} type="collaboration" rec=${c} name=${step.name} preset=${step.preset} workflow=${workflow} me=${me} people=${people} clues=${[]} toast=${toast} done=${() => setStep(null)} />`
          : html`<div class="actions wrap">${c.local ? null : offered(workflow, 'collaboration', c, me).map(([n, s], i) => html`<button type="button" class=${i === 0 ? 'primary' : 'secondary'} data-transition=${n} onClick=${() => open(n)}>${L(s.label)}</button>`)}</div>`}
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
    ${files && files.length ? html`<ul class="list">${files.map((f) => html`<li class="row" data-file=${f.sha256} data-side=${f.side}>
      <span class="title">${f.name}</span><span class="chip">${t(`file_side_${f.side}`)}</span>
      <span class="meta">${name(f.uploaded_by)} · ${when(f.uploaded_at)} · ${Math.ceil(f.size / 1024)} KB</span>
      <button type="button" class="secondary small" data-action="open-file" onClick=${() => open(f)}>${t('download')}</button></li>`)}</ul>` : null}
    ${files && !files.length ? html`<p class="hint">${t('collab_files_none')}</p>` : null}
    ${may ? html`<label class="button secondary file-pick">${sending ? t('sending') : t(ours ? 'attach_answer' : 'attach_materials')}
      <input type="file" name="file" accept=${FILE_TYPES} disabled=${sending} onChange=${attach} /></label>
      <p class="hint">${t('collab_files_hint')}</p>` : null}
    ${problems.length ? html`<ul class="error" role="alert">${problems.map((p) => html`<li>${p}</li>`)}</ul>` : null}
  </section>`;
}

/**
 * A case at the desk: its own page (facts, steps, inspections, documents) beside what a
 * decision on it rests on (the law, the discretion standard, the opinions given), the photos
 * of the clue it came from and the inspection records' text, and the timeline of both from
 * the audit chain.
 */
export function ConsoleCase(props) {
  const { me, workflow, version, id, toast } = props;
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
      <div><${CaseDetail} ...${props} embedded=${true} onIssued=${() => setIssued((n) => n + 1)} />
        ${rec && rec.version && !rec.local ? html`<${Publication} rec=${rec} workflow=${workflow} me=${me} received=${received} issued=${issued} toast=${toast} />` : null}
        ${rec ? html`<${Collaborations} rec=${rec} workflow=${workflow} me=${me} people=${props.people} departments=${props.departments} version=${version} toast=${toast} />` : null}</div>
      <div>${rec ? html`<${Basis} rec=${rec} matters=${props.matters} people=${props.people} />` : null}
        ${clueId ? html`<${Gallery} clueId=${clueId} workflow=${workflow} version=${version} toast=${toast} />` : null}
        ${rec ? html`<${InspectionRecords} rec=${rec} workflow=${workflow} me=${me} people=${props.people} version=${version} />` : null}</div>
    </div>
    ${clueId && rec.version && !received ? html`<${Timeline} clueId=${clueId} workflow=${workflow} version=${`${version}:${rec.version}`} />` : null}
  </main>`;
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
  const form = (d) => (open.act === 'publish'
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
      </div>`);
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
        ${head && open && open.id === d.id ? form(d)
          : head && state === 'unpublished' ? html`<div class="actions"><button type="button" class="primary" data-action="publish" onClick=${() => start(d, 'publish')}>${t('pub_publish')}</button></div>`
          : head && state === 'published' ? html`<div class="actions"><button type="button" class="secondary" data-action="withdraw" onClick=${() => start(d, 'withdraw')}>${t('pub_withdraw')}</button>
              <a class="secondary pub-public-link" href="#/public" target="_blank" rel="noopener">${t('pub_see_public')}</a></div>`
          : null}
      </li>`;
    })}</ul>
    ${head ? null : html`<p class="hint" data-publication-readonly="yes">${t('pub_only_head')}</p>`}
  </section>`;
}

// -- the map of clues ------------------------------------------------------------------------

export function ConsoleMap({ me, workflow, matters, version, settings }) {
  const clues = useRecords('clue', workflow, me, version);
  const [status, setStatus] = useState('');
  const [domain, setDomain] = useState('');
  const [days, setDays] = useState('30');
  const [listOff, setListOff] = useState(false);
  if (!clues) return null;
  const spec = workflow.records.clue;
  const since = days ? Date.now() - Number(days) * 24 * HOUR : 0;
  const now = Date.now();
  const chosen = clues.filter((c) => (!status || c.status === status) && (!domain || (matters.find((m) => m.code === c.matter_code) || {}).domain === domain) && (!since || Date.parse(c.created_at) >= since));
  const shown = chosen.filter((c) => c.location);
  // Reported with an address only (无定位): no point to draw, so counted and listed instead.
  const offMap = chosen.filter((c) => !c.location);
  const points = shown.map((c) => ({
    id: c.id, lat: c.location.lat, lng: c.location.lng, label: `${c.code || ''} ${c.matter_name || ''}`,
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
    ${offMap.length ? html`<div class="off-map" data-off-map=${offMap.length}>
      <span>${t('no_coords_count', { n: offMap.length })}</span>
      <button type="button" class="secondary small" aria-expanded=${listOff} onClick=${() => setListOff(!listOff)}>${listOff ? t('hide_them') : t('list_them')}</button>
      ${listOff ? html`<ul class="list">${offMap.map((c) => html`<li><a class="row" href=${`#/clue/${c.id}`} data-off-map-clue=${c.id}>
        <span class="title">${c.code || ''} ${c.matter_name || ''}</span><span class="meta">${c.address}</span></a></li>`)}</ul>` : null}
    </div>` : null}
    <${MapView} points=${points} tiles=${settings && settings.map} height=${560} cluster=${true} onPick=${(p) => go(`#/clue/${p.id}`)} />
    <${Legend} points=${points} label=${t} />
  </main>`;
}

// -- the dashboard ---------------------------------------------------------------------------

const FIGURES = ['response', 'disposal', 'satisfaction', 'stopped_by_dissuasion'];
const LATE = ['open_overdue', 'handled_late'];

function pct(f) {
  return f && f.share != null ? `${(f.share * 100).toFixed(1)}%` : '—';
}

function BarChart({ rows }) {
  const canvas = useRef(null);
  useEffect(() => {
    let chart = null;
    let alive = true;
    import('./charts.js').then(({ bars }) => {
      if (alive && canvas.current) chart = bars(canvas.current, rows, FIGURES.map((f) => t(`fig_${f}`)), FIGURES);
    });
    return () => {
      alive = false;
      if (chart) chart.destroy();
    };
  }, [rows]);
  return html`<div class="chart"><canvas ref=${canvas} aria-label=${t('dashboard')} role="img"></canvas></div>`;
}

const DEPARTMENT_FIGURES = ['answered', 'answered_in_time', 'transfer_accepted', 'transfer_concluded'];
/** The record each open item on the departments board is, and the page it opens. */
const OPEN_RECORD = { collaboration: 'collaboration', transfer: 'clue', case_transfer: 'case' };

/**
 * 部门协同: what the unit's townships asked or transferred to each county department and
 * is still open, the overdue first, and how each department answered over a period (the
 * figures the evaluation of departments reads; server/console/departments.py).
 */
export function DepartmentsBoard({ me, workflow, departments, toast }) {
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
    ${data ? html`<section class="box"><h2>${t('open_requests')} <span class="n" data-total=${data.open.total}>${data.open.total}</span>
        ${data.open.overdue ? html` <strong class="overdue">${t('overdue')} ${data.open.overdue}</strong>` : null}</h2>
      ${data.open.items.length < data.open.total ? html`<p class="hint">${t('first_n', { n: data.open.items.length })}</p>` : null}
      ${data.open.items.length ? html`<div class="scroll"><table class="grid" data-rows=${data.open.items.length}>
        <thead><tr><th>${t('code')}</th><th>${t('kind')}</th><th>${t('department')}</th><th>${t('requested_by')}</th><th>${t('sent_on')}</th><th>${t('due')}</th><th>${t('status')}</th></tr></thead>
        <tbody>${data.open.items.map((i) => html`<tr class=${i.overdue ? 'late' : ''} data-open=${i.id} data-kind=${i.kind}>
          <td><a href=${`#/${OPEN_RECORD[i.kind]}/${i.id}`}>${i.code}</a></td>
          <td>${t(`kind_${i.kind}`)}</td><td>${deptName(i.department)}</td><td>${i.unit}</td><td>${i.since}</td>
          <td>${i.due || ''}${i.overdue ? html` <strong class="overdue">${t('overdue')}</strong>` : null}</td><td>${status(i)}</td></tr>`)}</tbody>
      </table></div>` : html`<p>${t('inbox_empty')}</p>`}</section>
    <section class="box"><h2>${t('department_rates')}</h2><div class="scroll"><table class="grid figures">
      <thead><tr><th>${t('by_department')}</th><th>${t('fig_requests')}</th>${DEPARTMENT_FIGURES.slice(0, 2).map((f) => html`<th>${t(`fig_${f}`)}</th>`)}<th>${t('fig_refused')}</th><th>${t('fig_open_overdue_dept')}</th>
        <th>${t('fig_transfers')}</th>${DEPARTMENT_FIGURES.slice(2).map((f) => html`<th>${t(`fig_${f}`)}</th>`)}<th>${t('fig_transfer_disputed')}</th></tr></thead>
      <tbody>${data.departments.map((d) => html`<tr data-department=${d.code}><th scope="row">${d.name} <a class="small" href=${`#/copies/${d.code}`}>${t('copies')}</a></th><td>${d.requests}</td>
        ${DEPARTMENT_FIGURES.slice(0, 2).map((f) => html`<td data-figure=${f} data-count=${d[f].count} data-of=${d[f].of}>${pct(d[f])} <span class="hint">${d[f].count}/${d[f].of}</span></td>`)}
        <td>${d.refused}</td><td class=${d.requests_overdue ? 'late' : ''}>${d.requests_overdue}</td><td>${d.transfers}</td>
        ${DEPARTMENT_FIGURES.slice(2).map((f) => html`<td data-figure=${f} data-count=${d[f].count} data-of=${d[f].of}>${pct(d[f])} <span class="hint">${d[f].count}/${d[f].of}</span></td>`)}
        <td>${d.transfer_disputed}</td></tr>`)}</tbody>
    </table></div><p class="hint" data-note="departments">${t('departments_note')}</p></section>` : null}
  </main>`;
}

const COPIES_PAGE = 50;

/**
 * 抄告: the outcomes of the townships' cases on matters devolved from a department, for its
 * information (no step to take): its own, or, for the county's staff, the one the
 * departments board links to. Never the party: the server sends none.
 */
export function Copies({ me, workflow, departments, id }) {
  const code = id || me.department;
  const [pages, setPages] = useState(1);
  const [data, error] = useFetched(`/departments/${code}/copies?limit=${pages * COPIES_PAGE}`, [code, pages]);
  const name = data ? data.department.name : ((departments || []).find((d) => d.code === code) || {}).name || code;
  const outcome = (i) => i.penalty ? penaltyText(workflow, i.penalty)
    : i.transferred_agency ? `${t('transferred_to_agency')} ${i.transferred_agency}`
    : i.police_unit ? `${t('handed_to')} ${i.police_unit}` : '';
  return html`<main class="console wide copies">
    <h1>${t('copies')} · ${name}</h1>
    <p class="hint">${t('copies_hint')}</p>
    ${error ? html`<p class="warn" role="alert">${error === 'offline' ? t('offline') : error}</p>` : null}
    ${data && data.items.length ? html`<ul class="list" data-total=${data.total}>${data.items.map((i) => html`<li class="row" data-copy=${i.code} data-status=${i.status}>
        <span class="title">${i.matter_name}</span>
        <span class="chip">${L(workflow.records.case.statuses[i.status]) || i.status}</span>
        ${outcome(i) ? html`<span class="text">${t('copy_outcome')}：${outcome(i)}</span>` : null}
        <span class="meta">${i.township} · ${i.code} · ${i.decided_on || i.ended_on || ''}</span>
      </li>`)}</ul>
    ${data.items.length < data.total ? html`<div class="actions"><button type="button" class="secondary" data-action="more" onClick=${() => setPages(pages + 1)}>${t('more_n', { n: data.total - data.items.length })}</button></div>` : null}` : null}
    ${data && !data.items.length ? html`<p>${t('copies_none')}</p>` : null}
  </main>`;
}

export function Dashboard({ me, toast }) {
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
  const figureCells = (r) => [...FIGURES, ...LATE].map((f) => html`<td data-figure=${f} data-count=${r[f] ? r[f].count : ''} data-of=${r[f] ? r[f].of : ''}>${pct(r[f])} <span class="hint">${r[f] ? `${r[f].count}/${r[f].of}` : ''}</span></td>`);
  const ind = data && data.indicators;
  // On paper the page says what it is, whose and which days (the Excel file's title row).
  const heading = data ? `${L(data.names.title)} · ${data.unit_name} · ${t('period_of', { from: data.from, to: data.to })}` : t('dashboard');
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
    ${data ? html`
      <table class="grid figures" data-totals="yes">
        <thead><tr><th>${t(`by_${by}`)}</th><th>${t('fig_reported')}</th>${[...FIGURES, ...LATE].map((f) => html`<th>${t(`fig_${f}`)}</th>`)}<th>${t('fig_median_response')}</th></tr></thead>
        <tbody>
          ${data.rows.map((r) => html`<tr data-row=${r.key ?? ''}>
            <td>${by === 'unit' && r.key ? html`<button type="button" class="link-ink" onClick=${() => { setUnit(r.key); }}>${r.label}</button>` : r.label || t('nobody')}</td>
            <td data-figure="reported">${r.reported}</td>${figureCells(r)}<td>${r.median_response_hours ?? '—'}</td></tr>`)}
          <tr class="total" data-row="total"><th>${t('total')}</th><td data-figure="reported">${data.totals.reported}</td>${figureCells(data.totals)}<td>${data.totals.median_response_hours ?? '—'}</td></tr>
        </tbody>
      </table>
      ${data.rows.length ? html`<${BarChart} rows=${data.rows} />` : null}
      ${ind ? html`<section class="box indicators"><h2>${t('four_100')}</h2><ul class="kpis">
        ${Object.keys(data.names.indicators).map((k) => html`<li data-indicator=${k}><span class="big-number">${pct(ind[k])}</span><span data-name=${k}>${L(data.names.indicators[k])}</span><span class="hint">${ind[k] ? `${ind[k].count}/${ind[k].of}` : ''}</span></li>`)}
      </ul></section>` : null}
      ${unit !== (me.unit && me.unit.code) ? html`<button type="button" class="secondary" onClick=${() => setUnit(me.unit.code)}>${t('back_to_my_unit')}</button>` : null}` : null}
  </main>`;
}

/** "2027-01-01, 2027-10-01~2027-10-07": the days a State Council notice lists, a range
 * spelled out. Day strings as typed; the server says which one is wrong and why. */
export function days(text) {
  const out = [];
  for (const part of text.split(/[\s,，、;；]+/).filter(Boolean)) {
    const [a, b] = part.split(/~|～|\.\./);
    if (!b || Number.isNaN(Date.parse(a)) || Number.isNaN(Date.parse(b)) || b < a) {
      out.push(part);
      continue;
    }
    for (let d = new Date(`${a}T00:00:00Z`); d.toISOString().slice(0, 10) <= b; d.setUTCDate(d.getUTCDate() + 1)) {
      out.push(d.toISOString().slice(0, 10));
    }
  }
  return out;
}

/** The working calendar the deadlines count in (art. 85: working days): each year's State
 * Council notice, the years soon needed and missing, and for a county administrator the
 * form to publish one (the server keeps the one it replaces). */
export function Calendar({ me, toast }) {
  const [tick, setTick] = useState(0);
  const [data, error] = useFetched('/calendar', [tick]);
  const [form, setForm] = useState({ year: '', source: '', holidays: '', workdays: '' });
  const [fields, setFields] = useState({});
  const publisher = me.roles.includes('admin') && me.unit && me.unit.level === 'county';
  const set = (patch) => setForm({ ...form, ...patch });
  async function publish(e) {
    e.preventDefault();
    const holidays = days(form.holidays);
    const workdays = days(form.workdays);
    try {
      await authed(`/calendar/${form.year}`, { method: 'PUT', body: { source: form.source.trim(), holidays, workdays } });
      setFields({});
      toast(t('calendar_published', { year: form.year }));
      setTick(tick + 1);
    } catch (err) {
      // A wrong day comes back by its place in the list, and its message names it.
      const found = (err.body && err.body.fields) || {};
      setFields(Object.fromEntries(Object.entries(found).map(([k, v]) => [k, Array.isArray(v) ? v : Object.values(v).flat()])));
      if (!Object.keys(found).length) toast(err instanceof Offline ? t('offline') : err.message);
    }
  }
  const wrong = (k) => (fields[k] ? fields[k].join('；') : null);
  return html`<main class="console wide calendar">
    <h1>${t('calendar')}</h1>
    ${error ? html`<p class="error" role="alert">${error === 'offline' ? t('offline') : error}</p>` : null}
    ${data && data.missing.length ? html`<p class="warn banner" role="alert" data-missing=${data.missing.join(',')}>${t('calendar_missing_years', { years: data.missing.join('、') })}</p>` : null}
    ${data ? html`<table class="grid"><thead><tr><th>${t('year')}</th><th>${t('calendar_source')}</th><th>${t('holidays')}</th><th>${t('workdays')}</th><th>${t('published_at')}</th></tr></thead>
      <tbody>${data.notices.map((n) => html`<tr data-year=${n.year}><td>${n.year}</td><td>${n.source}</td><td>${n.holidays.length}</td><td>${n.workdays.length}</td><td>${when(n.published_at)}</td></tr>`)}</tbody></table>` : null}
    ${publisher ? html`<form class="box" onSubmit=${publish}>
      <h2>${t('calendar_publish')}</h2>
      <${Field} label=${`${t('year')} *`} error=${wrong('year')}><input name="year" type="number" min="2000" max="2100" required value=${form.year} onInput=${(e) => set({ year: e.currentTarget.value })} /></${Field}>
      <${Field} label=${`${t('calendar_source')} *`} error=${wrong('source')}><input name="source" required maxlength="200" value=${form.source} onInput=${(e) => set({ source: e.currentTarget.value })} /></${Field}>
      <${Field} label=${t('holidays')} hint=${t('calendar_days_hint')} error=${wrong('holidays')}><textarea name="holidays" rows="3" value=${form.holidays} onInput=${(e) => set({ holidays: e.currentTarget.value })} /></${Field}>
      <${Field} label=${t('workdays')} hint=${t('calendar_days_hint')} error=${wrong('workdays')}><textarea name="workdays" rows="2" value=${form.workdays} onInput=${(e) => set({ workdays: e.currentTarget.value })} /></${Field}>
      <div class="actions"><button type="submit" class="primary" data-action="publish-calendar">${t('calendar_publish')}</button></div>
    </form>` : null}
  </main>`;
}

/** Notes and photos that reached the server before the record they belong to, or whose
 * author may not see it (R3): who sent each, what it says, how long it has waited. After the
 * server's period they become sync conflicts for this room (flask sync purge-waiting). */
export function Waiting({ workflow }) {
  const [rows, error] = useFetched('/sync/waiting?page_size=100', []);
  const kind = (r) => (workflow.records[r.record_type] ? L(workflow.records[r.record_type].label) : r.record_type);
  return html`<main class="console wide waiting">
    <h1>${t('waiting_list')}</h1>
    <p class="hint">${t('waiting_list_hint')}</p>
    ${error ? html`<p class="error" role="alert">${error === 'offline' ? t('offline') : error}</p>` : null}
    ${rows ? html`<ul class="list">${rows.map((r) => html`<li class="row" data-mutation=${r.mutation_id}>
        <span class="title">${r.author_name}</span>
        <span class=${`chip ${r.age_days >= 7 ? 'st-attention' : 'st-waiting'}`} data-age=${r.age_days}>${r.age_days ? t('waited_days', { n: r.age_days }) : t('waited_today')}</span>
        ${r.text ? html`<span class="text">${r.text}</span>` : null}
        <span class="meta">${kind(r)} · ${t('arrived_at')} ${when(r.created_at)}</span>
      </li>`)}</ul>` : null}
    ${rows && rows.length === 0 ? html`<p>${t('waiting_list_empty')}</p>` : null}
  </main>`;
}

export function ConsoleNav({ hash, me }) {
  // A department's desk is what is addressed to it (its inbox) and its inspection plans.
  const department = me && me.roles.includes('department') && !SUPERVISING_ROLES.some((r) => me.roles.includes(r));
  const home = deskOnly(me); // the inbox is the start page (a department's inspector starts on the phone's)
  const items = department
    ? [['#/console', 'inbox'], ['#/copies', 'copies'], ['#/inspections', 'inspections_nav'], ['#/visits', 'my_visits']]
    : [['#/console', 'inbox'], ['#/map', 'map'], ['#/dashboard', 'dashboard'], ['#/departments', 'departments_board'], ['#/cases', 'cases'], ['#/calendar', 'calendar'], ['#/catalogue', 'catalogue'], ['#/waiting', 'waiting_list'], ['#/inspections', 'inspections_nav']];
  return html`<nav class="console-nav" aria-label=${t('console')}>
    ${items.map(([href, key]) => html`<a href=${href} aria-current=${hash.startsWith(href) || (key === 'inbox' && home && ['', '#', '#/'].includes(hash)) ? 'page' : null}>${t(key)}</a>`)}
  </nav>`;
}
