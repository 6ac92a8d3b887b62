// Small pieces every screen uses.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { Offline } from './api.js';
import { L, t } from './i18n.js';
import { ATTENTION, DONE, HELD, PENDING, SENDING, WAITING } from './outbox.js';
import { chinaDay, chinaIso, chinaMinute } from './rules.js';
import { fenToYuan, yuanToFen } from './money.js';
import { clock } from './recording.js';

export { fenToYuan, html, yuanToFen };

const STATE_KEYS = {
  [PENDING]: ['saved_on_phone', 'st-pending'],
  [SENDING]: ['sending', 'st-sending'],
  [WAITING]: ['held_waiting', 'st-waiting'],
  [DONE]: ['on_server', 'st-done'],
  [HELD]: ['on_server', 'st-done'],
  [ATTENTION]: ['needs_attention', 'st-attention'],
};

export function StateChip({ state }) {
  const [key, cls] = STATE_KEYS[state] || STATE_KEYS[PENDING];
  return html`<span class=${`chip ${cls}`} data-state=${state}>${t(key)}</span>`;
}

export function Field({ label, hint, children, error }) {
  return html`<label class="field">
    <span class="label">${label}</span>
    ${children}
    ${hint ? html`<span class="hint">${hint}</span>` : null}
    ${error ? html`<span class="error" role="alert">${error}</span>` : null}
  </label>`;
}

export function ChoiceSelect({ spec, value, onChange, name, required, label, empty }) {
  return html`<select name=${name} value=${value ?? ''} required=${required} aria-label=${label}
    onChange=${(e) => onChange(e.currentTarget.value || null)}>
    <option value="">${empty || t('choose')}</option>
    ${spec.choices.map((c) => html`<option value=${c}>${L(spec.labels && spec.labels[c]) || c}</option>`)}
  </select>`;
}

/** Today as the records write a day (YYYY-MM-DD): China's day on the phone's clock, as the
 * server counts it (sync.cases.today), whatever time zone the phone is set to. */
export function today() {
  return chinaDay(Date.now());
}

/** A datetime-local input's value, typed as China's time, as ISO 8601 (+08:00). */
export function localToIso(value) {
  return chinaIso(value);
}

/**
 * A form for fields as the workflow declares them (a transition's args, a record's fields):
 * each type gets its control, objects their own group, money in yuan for fields kept in fen.
 */
export function ArgsForm({ args, values, setValues, path = '', context = {} }) {
  return Object.entries(args).map(([name, spec]) => {
    const value = values[name];
    const set = (v) => setValues({ ...values, [name]: v });
    const key = path + name;
    const label = `${t(key) !== key ? t(key) : t(name)}${spec.required ? ' *' : ''}`;
    if (spec.type === 'object') {
      return html`<fieldset class="box" data-field=${key}><legend>${label}</legend>
        <${ArgsForm} args=${spec.properties} values=${value || {}} setValues=${set} path=${`${key}.`} context=${context} />
      </fieldset>`;
    }
    if (spec.type === 'list') {
      // Items of one spec, each its own group, added and removed one at a time (the points
      // of a party's statement, each with its re-check: arts. 44, 45).
      const items = Array.isArray(value) ? value : [];
      const setItems = (next) => set(next.length ? next : null);
      return html`<fieldset class="box" data-field=${key}><legend>${label}</legend>
        ${items.map(
          (item, i) => html`<fieldset class="box" data-item=${i}><legend>${i + 1}</legend>
          <${ArgsForm} args=${spec.items.properties} values=${item} path=${`${key}.`} context=${context}
            setValues=${(v) => setItems(items.map((x, j) => (j === i ? v : x)))} />
          <button type="button" data-action="remove-item" onClick=${() => setItems(items.filter((_, j) => j !== i))}>${t('remove_item')}</button>
        </fieldset>`,
        )}
        ${items.length < spec.max_items ? html`<button type="button" data-action="add-item" onClick=${() => setItems([...items, {}])}>${t('add_item')}</button>` : null}
      </fieldset>`;
    }
    if (spec.type === 'discretion') {
      // The levels of the matter's published standard (art. 34); none published, none asked.
      const levels = context.discretion || [];
      if (!levels.length) return null;
      const chosen = levels.find((lv) => lv.level === value);
      const range = (lv) => `${fenToYuan(lv.fine_fen[0])}–${fenToYuan(lv.fine_fen[1])} ${t('yuan')}`;
      return html`<${Field} label=${label} hint=${chosen ? chosen.condition : t('discretion_hint')}>
        <select name=${key} value=${value ?? ''} onChange=${(e) => set(e.currentTarget.value || null)}>
          <option value="">${t('choose')}</option>
          ${levels.map((lv) => html`<option value=${lv.level}>${lv.level}（${range(lv)}）</option>`)}
        </select></${Field}>`;
    }
    if (spec.type === 'officers') {
      // Art. 42: the officer at hand and a second certified one he picks (context.partners);
      // the value is both ids, him first.
      const partners = context.partners || [];
      const co = Array.isArray(value) ? String(value[1] ?? '') : '';
      return html`<${Field} label=${`${t('co_officer')}${spec.required ? ' *' : ''}`} error=${partners.length ? null : t('co_needed')}>
        <select name=${key} required=${spec.required} value=${co}
          onChange=${(e) => set(e.currentTarget.value ? [context.me, Number(e.currentTarget.value)] : null)}>
          <option value="">${t('choose')}</option>
          ${partners.map((p) => html`<option value=${String(p.id)}>${p.display_name}（${p.certificate_no}）</option>`)}
        </select></${Field}>`;
    }
    if (spec.type === 'officer') {
      // One of the unit's officers (context.officers), by name.
      return html`<${Field} label=${label}>
        <select name=${key} required=${spec.required} value=${value == null ? '' : String(value)}
          onChange=${(e) => set(e.currentTarget.value ? Number(e.currentTarget.value) : null)}>
          <option value="">${t('choose')}</option>
          ${(context.officers || []).map((p) => html`<option value=${String(p.id)}>${p.display_name}</option>`)}
        </select></${Field}>`;
    }
    if (spec.type === 'department') {
      // A county department on the platform (context.departments), by name; none: not one.
      return html`<${Field} label=${label}>
        <select name=${key} required=${spec.required} value=${value ?? ''} onChange=${(e) => set(e.currentTarget.value || null)}>
          <option value="">${spec.required ? t('choose') : t('none_of_them')}</option>
          ${(context.departments || []).map((d) => html`<option value=${d.code}>${d.name}</option>`)}
        </select></${Field}>`;
    }
    if (spec.type === 'choice') {
      return html`<${Field} label=${label}><${ChoiceSelect} name=${key} spec=${spec}
        value=${value} onChange=${set} required=${spec.required} /></${Field}>`;
    }
    if (spec.type === 'choices') {
      const chosen = value || [];
      return html`<fieldset class="box" data-field=${key}><legend>${label}</legend>
        ${spec.choices.map(
          (c) => html`<label class="radio"><input type="checkbox" name=${key} value=${c}
          checked=${chosen.includes(c)}
          onChange=${(e) => set(e.currentTarget.checked ? [...chosen, c] : chosen.filter((x) => x !== c))} />
          ${L(spec.labels && spec.labels[c]) || c}</label>`,
        )}
      </fieldset>`;
    }
    if (spec.type === 'bool') {
      return html`<label class="radio"><input type="checkbox" name=${key} checked=${value === true}
        onChange=${(e) => set(e.currentTarget.checked)} /> ${label}</label>`;
    }
    if (spec.type === 'date') {
      return html`<${Field} label=${label}><input type="date" name=${key} required=${spec.required}
        max=${today()} value=${value ?? ''} onInput=${(e) => set(e.currentTarget.value || null)} /></${Field}>`;
    }
    if (spec.type === 'datetime') {
      // A time to come (spec.future): the picker starts from now.
      // The input shows and takes China's time, whatever zone the browser is set to.
      const min = spec.future ? chinaMinute(Date.now()) : undefined;
      return html`<${Field} label=${label}><input type="datetime-local" name=${key} required=${spec.required} min=${min}
        value=${value ? chinaMinute(Date.parse(value)) : ''} onInput=${(e) => set(localToIso(e.currentTarget.value))} /></${Field}>`;
    }
    if (spec.type === 'int' && spec.unit === 'fen') {
      return html`<${Field} label=${`${label}（${t('yuan')}）`}><${Money} name=${key} fen=${value}
        required=${spec.required} onChange=${set} /></${Field}>`;
    }
    if (spec.type === 'int' && spec.min >= 1 && spec.max <= 5) {
      // A rating: one big button per star, tapped with a thumb (a dropdown hid the scale).
      const range = [];
      for (let i = spec.min; i <= spec.max; i += 1) range.push(i);
      return html`<fieldset class="stars" data-field=${key} role="radiogroup" aria-label=${label}><legend>${label}</legend>
        ${range.map(
          (i) => html`<button type="button" role="radio" class=${`star ${value != null && i <= value ? 'on' : ''}`} data-value=${i}
          aria-checked=${value === i ? 'true' : 'false'} aria-label=${t('n_stars', { n: i })} onClick=${() => set(i)}>★</button>`,
        )}
        <span class="hint" aria-live="polite">${value ? t('n_stars', { n: value }) : ''}</span>
      </fieldset>`;
    }
    if (spec.type === 'int') {
      return html`<${Field} label=${label}><input type="number" inputmode="numeric" name=${key}
        min=${spec.min} max=${spec.max} required=${spec.required} value=${value ?? ''}
        onInput=${(e) => set(e.currentTarget.value === '' ? null : Number(e.currentTarget.value))} /></${Field}>`;
    }
    if (spec.max_length && spec.max_length <= 300) {
      return html`<${Field} label=${label}><input name=${key} maxlength=${spec.max_length}
        required=${spec.required} value=${value ?? ''} onInput=${(e) => set(e.currentTarget.value)} /></${Field}>`;
    }
    return html`<${Field} label=${label}><textarea name=${key} rows="3" maxlength=${spec.max_length}
      required=${spec.required} value=${value ?? ''}
      onInput=${(e) => set(e.currentTarget.value)} /></${Field}>`;
  });
}

/** Money typed in yuan; what the record gets is whole fen, or null while it is not a sum. */
function Money({ name, fen, required, onChange }) {
  const [text, setText] = useState(fenToYuan(fen));
  return html`<input name=${name} inputmode="decimal" required=${required} value=${text}
    pattern="\\d+(\\.\\d{1,2})?" onInput=${(e) => {
      setText(e.currentTarget.value);
      onChange(yuanToFen(e.currentTarget.value));
    }} />`;
}

function present(value) {
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && !value.length);
}

export function argsComplete(args, values) {
  return Object.entries(args).every(([name, spec]) => {
    const value = values[name];
    if (spec.type === 'object') return present(value) ? argsComplete(spec.properties, value) : !spec.required;
    if (spec.type === 'list') return present(value) ? value.every((item) => argsComplete(spec.items.properties, item)) : !spec.required;
    if (spec.type === 'bool') return true; // unticked is an answer: no
    return !spec.required || present(value);
  });
}

/** What is sent: blanks left out (the server refuses a required one, names the rest). */
export function argsValues(args, values) {
  const out = {};
  for (const [name, spec] of Object.entries(args)) {
    let value = values[name];
    if (spec.type === 'object' && value) value = argsValues(spec.properties, value);
    if (spec.type === 'list' && value) value = value.map((item) => argsValues(spec.items.properties, item));
    if (typeof value === 'string') value = value.trim();
    if (spec.type === 'bool' && spec.required && value === undefined) value = false;
    if (present(value) || typeof value === 'boolean') out[name] = value;
  }
  return out;
}

/** A photo from the phone's store, shown from a blob URL that is let go afterwards. */
export function BlobImage({ blob, alt }) {
  const [url, setUrl] = useState(null);
  useEffect(() => {
    if (!blob) return undefined;
    const u = URL.createObjectURL(blob);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [blob]);
  return url ? html`<img class="thumb" src=${url} alt=${alt} width="96" height="96" />` : null;
}

// Drawn, not emoji: a phone or desk without an emoji font shows 🎙/🎬 as empty boxes.
const GLYPHS = {
  audio: 'M12 2a3 3 0 0 0-3 3v7a3 3 0 0 0 6 0V5a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 6 6.9V21H8v2h8v-2h-3v-3.1A7 7 0 0 0 19 11h-2a5 5 0 0 1-10 0z',
  video: 'M3 6a2 2 0 0 1 2-2h10a2 2 0 0 1 2 2v3.5l4-3v11l-4-3V18a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z',
  play: 'M7 4v16l13-8z',
};

/** The microphone (audio), the camera (video) or ▶ (play), at the text's size and colour. */
export function MediaIcon({ kind }) {
  return html`<svg class="media-icon" viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" focusable="false"><path fill="currentColor" d=${GLYPHS[kind]} /></svg>`;
}

/** A recording on the phone: 🎙/🎬 with its length; a tap plays it from the phone's copy. */
export function MediaTile({ blob, kind, durationMs, label }) {
  const [url, setUrl] = useState(null);
  useEffect(() => () => url && URL.revokeObjectURL(url), [url]);
  const length = durationMs != null ? clock(durationMs) : '';
  if (url) {
    return kind === 'video'
      ? html`<video class="media-play" data-media=${kind} src=${url} controls autoplay playsinline aria-label=${label}></video>`
      : html`<audio class="media-play" data-media=${kind} src=${url} controls autoplay aria-label=${label}></audio>`;
  }
  return html`<button type="button" class="thumb media-tile" data-media-tile=${kind} aria-label=${`${label} ${length}`}
    onClick=${() => blob && setUrl(URL.createObjectURL(blob))}><span class="icon"><${MediaIcon} kind=${kind} /></span><span class="len">${length}</span></button>`;
}

/** A tile for what the phone holds of a piece of evidence: the picture, or the recording. */
export function EvidenceTile({ blob, kind, durationMs, alt }) {
  const recorded = kind === 'audio' || kind === 'video' || /^(audio|video)\//.test((blob && blob.type) || '');
  if (!recorded) return html`<${BlobImage} blob=${blob} alt=${alt} />`;
  return html`<${MediaTile} blob=${blob} kind=${kind || blob.type.split('/')[0]} durationMs=${durationMs} label=${alt} />`;
}

export function reasonText(workflow, result) {
  const reason = result && result.reason;
  // A reason may name what the answer carries ({case_code}: the case that fined first).
  const text = (L(workflow.reasons[reason]) || reason || '').replace(/\{(\w+)\}/g, (m, k) => (result[k] != null ? String(result[k]) : m));
  const fields =
    result && result.fields
      ? Object.entries(result.fields)
          .map(([f, msgs]) => `${f}: ${[].concat(msgs).join('; ')}`)
          .join(' · ')
      : '';
  return fields ? `${text}（${fields}）` : text;
}

/** What the toast says once a record is saved: on the phone for now when offline; being
 * sent when the network is there (saying "when online" while online misled people). */
export function savedText() {
  return t(navigator.onLine ? 'saved_sending' : 'saved_toast');
}

/** The messages a refusal names, field by field, as one line each. */
export function refusalLines(err) {
  const fields = (err && err.body && err.body.fields) || {};
  const lines = Object.entries(fields).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : Object.values(v).flat()).map((m) => (k === 'file' ? m : `${k}: ${m}`)),
  );
  return lines.length ? lines : [err instanceof Offline ? t('offline') : (err && err.message) || String(err)];
}

/** A file the server sent, saved on the computer or phone under ``name`` (a download). */
export function saveBlob(blob, name) {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 10000);
}
