// The catalogue of enforcement matters (事项目录) at the desk: what each matter's decision rests
// on (the provision violated, the one setting the penalty, the range, the published discretion
// standard: 行政处罚法 第三十四条), who may handle it, and every correction made to it. A county
// administrator keeps it; everyone else reads it. The server checks each edit and keeps its
// history in the audit chain (GET /matters/{code}/history).
import { useEffect, useState } from 'preact/hooks';
import { Offline } from './api.js';
import { t, when } from './i18n.js';
import { authed } from './session.js';
import { refreshMatters } from './sync.js';
import { FIELDS, matchers, matterChange } from './catalogue-form.js';
import { Field, fenToYuan, html } from './ui.js';
import { useApp } from './app.js';

function keeper(me) {
  return me.roles.includes('admin') && me.unit && me.unit.level === 'county';
}

/** The list, searchable, by domain; a matter's page under #/catalogue/<code>. */
export function Catalogue({ id }) {
  const { me, matters, toast } = useApp();
  const [query, setQuery] = useState('');
  if (id) return html`<${MatterPage} me=${me} matter=${matters.find((m) => m.code === id)} toast=${toast} />`;
  const shown = matters.filter((m) => matchers(m, query));
  const domains = [...new Set(shown.map((m) => m.domain))];
  return html`<main class="console wide catalogue">
    <h1>${t('catalogue')}</h1>
    <p class="hint">${t(keeper(me) ? 'catalogue_hint_keeper' : 'catalogue_hint')}</p>
    <${Field} label=${t('catalogue_search')}><input type="search" name="q" value=${query} placeholder=${t('catalogue_search_hint')}
      onInput=${(e) => setQuery(e.currentTarget.value)} /></${Field}>
    ${domains.map(
      (d) => html`<section class="box"><h2>${d}</h2><ul class="list">
      ${shown
        .filter((m) => m.domain === d)
        .map(
          (m) => html`<li><a class="row" href=${`#/catalogue/${m.code}`} data-matter=${m.code}>
        <span class="title">${m.short_name || m.name}</span>
        <span class="meta">${m.code}${m.short_name ? ` · ${m.name}` : ''}</span>
        <span>${m.empowered ? html`<span class="chip st-done">${t('catalogue_empowered')}</span>` : null}
          ${m.summary_procedure_allowed ? html` <span class="chip st-status">${t('catalogue_summary')}</span>` : null}
          ${(m.discretion || []).length ? null : html` <span class="chip st-attention">${t('no_discretion_standard')}</span>`}</span></a></li>`,
        )}
    </ul></section>`,
    )}
    ${shown.length ? null : html`<p>${t('catalogue_none')}</p>`}
  </main>`;
}

function levelsText(levels) {
  return (levels || []).map((lv) => ({
    level: lv.level,
    condition: lv.condition,
    min: fenToYuan(lv.fine_fen[0]),
    max: fenToYuan(lv.fine_fen[1]),
  }));
}

function MatterPage({ me, matter, toast }) {
  const [tick, setTick] = useState(0);
  const [history, setHistory] = useState(null);
  const [form, setForm] = useState(null);
  const [errors, setErrors] = useState({});
  useEffect(() => {
    if (!matter) return;
    authed(`/matters/${matter.code}/history`).then(setHistory, (e) =>
      setHistory({ error: e instanceof Offline ? t('offline') : e.message }),
    );
  }, [matter && matter.code, tick]);
  if (!matter) return html`<main class="console"><p>${t('catalogue_none')}</p><p><a href="#/catalogue">← ${t('catalogue')}</a></p></main>`;
  const edit = () => setForm({ ...Object.fromEntries(FIELDS.map((f) => [f, matter[f] || ''])), levels: levelsText(matter.discretion) });
  const setLevel = (i, patch) => setForm({ ...form, levels: form.levels.map((lv, j) => (j === i ? { ...lv, ...patch } : lv)) });
  const checked = form && matterChange(form);

  async function save() {
    try {
      await authed(`/matters/${matter.code}`, { method: 'PATCH', body: checked.change });
      await refreshMatters(); // every screen, this one too, reads the corrected text from now on
      setForm(null);
      setErrors({});
      setTick(tick + 1);
      toast(t('catalogue_saved'));
    } catch (err) {
      const found = (err.body && err.body.fields) || {};
      setErrors(found);
      if (!Object.keys(found).length) toast(err instanceof Offline ? t('offline') : err.message);
    }
  }

  const fact = (key, value) => html`<dt>${t(key)}</dt><dd data-matter-field=${key}>${value || '—'}</dd>`;
  return html`<main class="console wide catalogue" data-matter-page=${matter.code}>
    <p><a href="#/catalogue">← ${t('catalogue')}</a></p>
    <h1>${matter.name}</h1>
    <p class="meta">${matter.code} · ${matter.domain}</p>
    ${
      form
        ? html`<section class="box step-form" data-form="matter">
      <h2>${t('catalogue_edit')}</h2>
      <p class="explains">${t('catalogue_edit_explains')}</p>
      ${FIELDS.map(
        (
          f,
        ) => html`<${Field} label=${`${t(f)}${f === 'legal_basis' ? ' *' : ''}`} hint=${f === 'penalty_basis' ? t('catalogue_penalty_basis_hint') : null} error=${errors[f] && [].concat(errors[f]).join('；')}>
        <textarea name=${f} rows="3" maxlength="2000" value=${form[f]} onInput=${(e) => setForm({ ...form, [f]: e.currentTarget.value })} /></${Field}>`,
      )}
      <h3>${t('discretion_standard')}</h3>
      ${form.levels.map(
        (lv, i) => html`<fieldset class="box level" data-level-row=${i}>
        <${Field} label=${`${t('discretion_level')} *`}><input name=${`level-${i}`} maxlength="40" value=${lv.level} onInput=${(e) => setLevel(i, { level: e.currentTarget.value })} /></${Field}>
        <${Field} label=${`${t('discretion_condition')} *`}><textarea name=${`condition-${i}`} rows="2" maxlength="500" value=${lv.condition} onInput=${(e) => setLevel(i, { condition: e.currentTarget.value })} /></${Field}>
        <div class="pair">
          <${Field} label=${`${t('catalogue_fine_min')}（${t('yuan')}）*`}><input name=${`min-${i}`} inputmode="decimal" value=${lv.min} onInput=${(e) => setLevel(i, { min: e.currentTarget.value })} /></${Field}>
          <${Field} label=${`${t('catalogue_fine_max')}（${t('yuan')}）*`}><input name=${`max-${i}`} inputmode="decimal" value=${lv.max} onInput=${(e) => setLevel(i, { max: e.currentTarget.value })} /></${Field}>
        </div>
        ${checked.missing === `level:${i}` ? html`<p class="error" role="alert">${t('catalogue_level_incomplete')}</p>` : null}
        <button type="button" class="secondary small" data-action="remove-level" onClick=${() => setForm({ ...form, levels: form.levels.filter((_, j) => j !== i) })}>${t('catalogue_remove_level')}</button>
      </fieldset>`,
      )}
      ${errors.discretion ? html`<p class="error" role="alert">${JSON.stringify(errors.discretion)}</p>` : null}
      <button type="button" class="secondary" data-action="add-level" onClick=${() => setForm({ ...form, levels: [...form.levels, { level: '', condition: '', min: '', max: '' }] })}>${t('catalogue_add_level')}</button>
      <div class="actions"><button type="button" class="secondary" onClick=${() => {
        setForm(null);
        setErrors({});
      }}>${t('cancel')}</button>
        <button type="button" class="primary" data-action="save-matter" disabled=${!checked.change} onClick=${save}>${t('catalogue_save')}</button></div>
    </section>`
        : html`<dl class="facts">
      ${fact('legal_basis', matter.legal_basis)}
      ${fact('penalty_basis', matter.penalty_basis || t('same_as_legal_basis'))}
      ${fact('penalty_range', matter.penalty_range)}
    </dl>
    <h2>${t('discretion_standard')}</h2>
    ${
      (matter.discretion || []).length
        ? html`<table class="grid discretion"><thead><tr><th>${t('discretion_level')}</th><th>${t('discretion_condition')}</th><th>${t('discretion_fine')}</th></tr></thead>
      <tbody>${matter.discretion.map((lv) => html`<tr data-level=${lv.level}><td>${lv.level}</td><td>${lv.condition}</td><td>${fenToYuan(lv.fine_fen[0])}–${fenToYuan(lv.fine_fen[1])} ${t('yuan')}</td></tr>`)}</tbody></table>`
        : html`<p class="hint">${t('no_discretion_standard')}</p>`
    }
    ${keeper(me) ? html`<div class="actions"><button type="button" class="primary" data-action="edit-matter" onClick=${edit}>${t('catalogue_edit')}</button></div>` : null}`
    }
    <section class="box history"><h2>${t('catalogue_history')}</h2>
      ${history && history.error ? html`<p class="hint">${history.error}</p>` : null}
      ${Array.isArray(history) && !history.length ? html`<p class="hint">${t('catalogue_no_history')}</p>` : null}
      ${
        Array.isArray(history)
          ? html`<ul class="list">${history.map(
              (h) => html`<li class="row" data-change-at=${h.at}>
        <span class="title">${when(h.at)} · ${h.by}</span>
        ${Object.entries(h.changes).map(([f, c]) => html`<span class="meta" data-changed=${f}>${t(f === 'discretion' ? 'discretion_standard' : f)}：${show(c.from)} → ${show(c.to)}</span>`)}
      </li>`,
            )}</ul>`
          : null
      }
    </section>
  </main>`;
}

function show(value) {
  if (value == null || value === '') return '—';
  if (Array.isArray(value))
    return value.map((lv) => `${lv.level}（${fenToYuan(lv.fine_fen[0])}–${fenToYuan(lv.fine_fen[1])}${t('yuan')}）`).join('、') || '—';
  return String(value);
}
