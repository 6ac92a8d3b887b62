// The inbox: what the workflow lets this person do now, grouped by what it waits for.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Offline } from '../api.js';
import { clock, offered, useRecords } from '../cases.js';
import { L, t, when } from '../i18n.js';
import { townshipPath } from '../rules.js';
import { authed } from '../session.js';
import { StateChip, html } from '../ui.js';
import { go, title, useFetched } from './common.js';
import { useApp } from '../app.js';

const TYPES = ['clue', 'case', 'collaboration', 'conflict'];

function hrefOf(type, rec, me) {
  // A collaboration request is shown on its case's page to the township, on its own to the
  // department it is addressed to (which never sees the case).
  if (type === 'collaboration')
    return me && me.roles.includes('department') ? `#/collaboration/${rec.id}` : `#/case/${rec.case_id || rec.parent_id}`;
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
    const timer = setTimeout(
      () => {
        authed(`/clues?q=${encodeURIComponent(term)}&page=${page}&page_size=${SEARCH_PAGE}`).then(
          (items) =>
            live &&
            setFound((was) => ({
              term,
              items: page > 1 && was.term === term ? [...was.items, ...items] : items,
              more: items.length === SEARCH_PAGE,
              error: null,
            })),
          (err) =>
            live &&
            setFound({
              term,
              items: [],
              more: false,
              error: err instanceof Offline ? 'inbox_search_offline' : err.status === 422 ? 'inbox_search_long' : 'inbox_search_failed',
            }),
        );
      },
      page > 1 ? 0 : 300,
    );
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
    ${
      !settled
        ? html`<p class="hint">${t('inbox_searching')}</p>`
        : found.error
          ? html`<p class="warn" role="alert" data-search-error=${found.error}>${t(found.error)}</p>`
          : !found.items.length
            ? html`<p data-search-none>${t('inbox_search_none')}</p>`
            : html`<table class="grid" data-found=${found.items.length}>
        <thead><tr>${['code', 'title', 'address', 'reporter', 'reported_at', 'status'].map((k) => html`<th scope="col">${t(k)}</th>`)}</tr></thead>
        <tbody>${found.items.map(
          (c) => html`<tr data-found-clue=${c.id} onClick=${() => go(`#/clue/${c.id}`)}>
          <td>${c.code}</td>
          <td><a href=${`#/clue/${c.id}`}>${(matterOf(c) && matterOf(c).short_name) || c.matter_name}</a></td>
          <td>${c.address || ''}</td>
          <td>${c.reporter_name || ''}</td>
          <td>${when(c.created_at)}</td>
          <td>${L(workflow.records.clue.statuses[c.status])}</td>
        </tr>`,
        )}</tbody>
      </table>
      ${found.more ? html`<div class="pager"><button type="button" class="secondary" data-action="search-more" onClick=${() => setPage(page + 1)}>${t('inbox_search_more')}</button></div>` : null}`
    }
  </section>`;
}

export function Inbox() {
  const { me, workflow, matters, departments, version } = useApp();
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
    return inboxRows(workflow, me, records).map((r) => ({
      ...r,
      title: title(r.type, r.rec, matters, departments, me, workflow),
      township: township(r.rec),
    }));
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
    .filter(
      (r) =>
        !needle ||
        [r.rec.code, r.title, r.township, r.rec.address, r.rec.description, r.rec.reporter_name, r.rec.unit_name].some(
          (x) => x && String(x).toLowerCase().includes(needle),
        ),
    )
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
    ${
      calendar && calendar.missing.length
        ? html`<p class="warn banner" role="alert" data-missing=${calendar.missing.join(',')}>
      <a href="#/calendar">${t('calendar_missing_years', { years: calendar.missing.join('、') })}</a></p>`
        : null
    }
    <nav class="buckets" aria-label=${t('inbox')}>
      ${['all', ...Object.keys(buckets).sort()].map(
        (b) => html`<button type="button" data-bucket=${b}
        class=${`tab ${bucket === b ? 'on' : ''} ${b === 'overdue' ? 'late' : ''}`} aria-pressed=${bucket === b}
        onClick=${() => {
          setBucket(b);
          setCursor(0);
        }}>${bucketLabel(workflow, b)} <span class="n">${b === 'all' ? rows.length : buckets[b]}</span></button>`,
      )}
    </nav>
    <div class="filters">
      <input ref=${filterBox} type="search" name="filter" aria-label=${t('filter_hint')} placeholder=${t('filter_hint')} value=${filter} onInput=${(
        e,
      ) => {
        setFilter(e.currentTarget.value);
        setCursor(0);
      }} />
      <select name="domain" aria-label=${t('filter_domain')} value=${domain} onChange=${(e) => setDomain(e.currentTarget.value)}>
        <option value="">${t('all_domains')}</option>${domains.map((d) => html`<option value=${d}>${d}</option>`)}
      </select>
    </div>
    <p class="hint">${t('keys_hint')}</p>
    <table class="grid" data-rows=${shown.length}>
      <thead><tr>${columns.map(([k]) => header(k))}<th scope="col" data-col="next">${t('next_steps')}</th></tr></thead>
      <tbody>${shown.map(
        (
          r,
          i,
        ) => html`<tr class=${`${i === at ? 'cursor' : ''} ${r.late ? 'late' : ''}`} data-inbox=${r.rec.id} data-type=${r.type} data-bucket=${r.bucket}
          onClick=${() => go(hrefOf(r.type, r.rec, me))}>
        <td data-col="code">${r.rec.code || ''}</td>
        <td data-col="title"><a href=${hrefOf(r.type, r.rec, me)}>${r.title}</a>${(r.rec.possible_duplicates || []).length ? html` <span class="chip st-attention" data-dup="yes">${t('possible_duplicate')}</span>` : null}
          ${
            r.type === 'clue' && r.rec.location_source === 'address'
              ? html` <span class="chip st-attention" data-no-coords="yes">${t('no_location_chip')}</span>
            <span class="meta" data-place>${r.rec.address}</span>`
              : null
          }</td>
        ${columns.some(([k]) => k === 'township') ? html`<td data-col="township" data-township=${r.township}>${r.township}</td>` : null}
        <td data-col="unit">${r.rec.unit_name || ''}</td>
        <td data-col="reporter">${r.rec.reporter_name || ''}</td>
        <td data-col="reported_at">${when(r.rec.created_at)}</td>
        <td data-col="due">${r.rec.deadline ? when(r.rec.deadline) : r.rec.decision_due || r.rec.due || ''}${r.late ? html` <strong class="overdue">${t('overdue')}</strong>` : null}${r.soon ? html` <span class="chip st-attention" data-due-soon=${r.soon}>${t('days_left', { n: r.left })}</span>` : null}</td>
        <td data-col="status">${L(workflow.records[r.type].statuses[r.rec.status])}${r.rec.local ? html` <${StateChip} state=${r.rec.local} />` : null}</td>
        <td data-col="next">${r.steps.map(([, s]) => L(s.label)).join(' / ')}</td>
      </tr>`,
      )}</tbody>
    </table>
    ${shown.length === 0 ? html`<p>${t('inbox_empty')}</p>` : null}
    <${ServerSearch} q=${filter} workflow=${workflow} matters=${matters} />
  </main>`;
}

// -- the record page -----------------------------------------------------------------------
