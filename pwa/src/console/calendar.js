// The working calendar the deadlines count in.
import { useState } from 'preact/hooks';
import { Offline } from '../api.js';
import { t, when } from '../i18n.js';
import { authed } from '../session.js';
import { Field, html } from '../ui.js';
import { days, useFetched } from './common.js';
import { useApp } from '../app.js';

/** The working calendar the deadlines count in (art. 85: working days): each year's State
 * Council notice, the years soon needed and missing, and for a county administrator the
 * form to publish one (the server keeps the one it replaces). */
export function Calendar() {
  const { me, toast } = useApp();
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
    ${
      data
        ? html`<table class="grid"><thead><tr><th>${t('year')}</th><th>${t('calendar_source')}</th><th>${t('holidays')}</th><th>${t('workdays')}</th><th>${t('published_at')}</th></tr></thead>
      <tbody>${data.notices.map((n) => html`<tr data-year=${n.year}><td>${n.year}</td><td>${n.source}</td><td>${n.holidays.length}</td><td>${n.workdays.length}</td><td>${when(n.published_at)}</td></tr>`)}</tbody></table>`
        : null
    }
    ${
      publisher
        ? html`<form class="box" onSubmit=${publish}>
      <h2>${t('calendar_publish')}</h2>
      <${Field} label=${`${t('year')} *`} error=${wrong('year')}><input name="year" type="number" min="2000" max="2100" required value=${form.year} onInput=${(e) => set({ year: e.currentTarget.value })} /></${Field}>
      <${Field} label=${`${t('calendar_source')} *`} error=${wrong('source')}><input name="source" required maxlength="200" value=${form.source} onInput=${(e) => set({ source: e.currentTarget.value })} /></${Field}>
      <${Field} label=${t('holidays')} hint=${t('calendar_days_hint')} error=${wrong('holidays')}><textarea name="holidays" rows="3" value=${form.holidays} onInput=${(e) => set({ holidays: e.currentTarget.value })} /></${Field}>
      <${Field} label=${t('workdays')} hint=${t('calendar_days_hint')} error=${wrong('workdays')}><textarea name="workdays" rows="2" value=${form.workdays} onInput=${(e) => set({ workdays: e.currentTarget.value })} /></${Field}>
      <div class="actions"><button type="submit" class="primary" data-action="publish-calendar">${t('calendar_publish')}</button></div>
    </form>`
        : null
    }
  </main>`;
}
