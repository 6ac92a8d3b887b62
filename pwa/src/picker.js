// The matter picker (事项类别): the catalogue's legal names are long, so a report's matter is
// chosen on a full-screen sheet with a search box, the person's favourites (常用: starred and
// recently used, kept on the phone so they work offline) and the rest by department. What the
// form sends is the chosen matter's code, as before.
import { useEffect, useRef, useState } from 'preact/hooks';
import { getMeta, setMeta } from './db.js';
import { t } from './i18n.js';
import { pickerSections, toggleStar, usedNow } from './matter-pick.js';
import { html } from './ui.js';

const favKey = (me) => `picker:${me.id}`;

/** The county department's name for a matter held by one, else its domain (生态环境...). */
function deptOf(m, departments) {
  const d = m.department_code && (departments || []).find((x) => x.code === m.department_code);
  return d ? d.name : '';
}

/** The field: a button naming the chosen matter (short name large, legal name below); it
 * opens the sheet. `value` is the matter's code. */
export function MatterPicker({ me, matters, departments, value, onChange }) {
  const [open, setOpen] = useState(false);
  const opener = useRef(null);
  const chosen = (matters || []).find((m) => m.code === value);
  const close = () => {
    setOpen(false);
    setTimeout(() => opener.current && opener.current.focus(), 0);
  };
  return html`<div class="field">
    <span class="label" id="matter-label">${t('matter')} *</span>
    <input type="hidden" name="matter_code" value=${value || ''} />
    <button type="button" ref=${opener} class="pick-open" data-action="pick-matter" aria-haspopup="dialog"
      aria-labelledby="matter-label matter-chosen" onClick=${() => setOpen(true)}>
      <span id="matter-chosen">${
        chosen
          ? html`<span class="pick-short">${chosen.short_name || chosen.name}</span>${chosen.short_name ? html`<span class="pick-legal">${chosen.name}</span>` : null}`
          : html`<span class="pick-short muted">${t('choose')}</span>`
      }</span>
      <span class="pick-chevron" aria-hidden="true">›</span>
    </button>
    ${
      open
        ? html`<${PickerSheet} me=${me} matters=${matters || []} departments=${departments} value=${value}
      onPick=${(code) => {
        onChange(code);
        close();
      }} onClose=${close} />`
        : null
    }
  </div>`;
}

function PickerSheet({ me, matters, departments, value, onPick, onClose }) {
  const [query, setQuery] = useState('');
  const [fav, setFav] = useState({ stars: [], recent: [] });
  const search = useRef(null);
  useEffect(() => {
    getMeta(favKey(me), null)
      .then((saved) => saved && setFav(saved))
      .catch(() => {});
    search.current && search.current.focus();
    const onKey = (e) => e.key === 'Escape' && onClose();
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  const keep = (next) => {
    setFav(next);
    return setMeta(favKey(me), next).catch(() => {});
  };
  // Kept before the sheet closes (sealing it takes a moment): a phone switched off right
  // after choosing still has the choice among its recent ones.
  const pick = (code) => keep({ ...fav, recent: usedNow(fav.recent, code) }).then(() => onPick(code));
  const sections = pickerSections(matters, { query, stars: fav.stars, recent: fav.recent, deptName: (m) => deptOf(m, departments) });
  return html`<div class="picker" role="dialog" aria-modal="true" aria-label=${t('pick_matter')} data-picker>
    <div class="picker-head">
      <input type="search" ref=${search} name="matter_search" value=${query} placeholder=${t('pick_search')}
        aria-label=${t('pick_search')} autocomplete="off" enterkeyhint="search" onInput=${(e) => setQuery(e.currentTarget.value)} />
      <button type="button" class="secondary small" data-action="close-picker" onClick=${onClose}>${t('cancel')}</button>
    </div>
    <div class="picker-list">
      ${sections.length ? null : html`<p class="hint" role="status">${t('pick_none')}</p>`}
      ${sections.map(
        (s) => html`<section data-section=${s.key}>
        <h2>${s.key === 'favourites' ? `★ ${t('pick_favourites')}` : s.key}</h2>
        <ul role="list">${s.items.map((m) => {
          const starred = fav.stars.includes(m.code);
          const dept = deptOf(m, departments) || m.domain;
          return html`<li class=${`pick-row${m.code === value ? ' chosen' : ''}`} data-pick-row=${m.code}>
            <button type="button" class="pick" data-pick=${m.code} aria-current=${m.code === value ? 'true' : undefined} onClick=${() => pick(m.code)}>
              <span class="pick-short">${m.short_name || m.name}</span>
              ${m.short_name ? html`<span class="pick-legal">${m.name}</span>` : null}
              <span class="pick-dept">${dept} · ${m.code}</span>
            </button>
            <button type="button" class="star" data-star=${m.code} aria-pressed=${starred ? 'true' : 'false'}
              aria-label=${t(starred ? 'pick_unstar' : 'pick_star', { name: m.short_name || m.name })}
              onClick=${() => keep({ ...fav, stars: toggleStar(fav.stars, m.code) })}>${starred ? '★' : '☆'}</button>
          </li>`;
        })}</ul>
      </section>`,
      )}
    </div>
  </div>`;
}
