// Small pieces every screen uses.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { L, t } from './i18n.js';
import { ATTENTION, DONE, HELD, PENDING, SENDING } from './outbox.js';

export { html };

const STATE_KEYS = {
  [PENDING]: ['saved_on_phone', 'st-pending'],
  [SENDING]: ['sending', 'st-sending'],
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

export function ChoiceSelect({ spec, value, onChange, name, required }) {
  return html`<select name=${name} value=${value ?? ''} required=${required}
    onChange=${(e) => onChange(e.currentTarget.value || null)}>
    <option value="">${t('choose')}</option>
    ${spec.choices.map((c) => html`<option value=${c}>${L(spec.labels && spec.labels[c]) || c}</option>`)}
  </select>`;
}

/** A form for a transition's arguments, built from the workflow's declaration. */
export function ArgsForm({ args, values, setValues }) {
  return Object.entries(args).map(([name, spec]) => {
    const set = (v) => setValues({ ...values, [name]: v });
    const label = t(name);
    if (spec.type === 'choice') {
      return html`<${Field} label=${label}><${ChoiceSelect} name=${name} spec=${spec}
        value=${values[name]} onChange=${set} required=${spec.required} /></${Field}>`;
    }
    if (spec.type === 'int') {
      const range = [];
      for (let i = spec.min; i <= spec.max; i += 1) range.push(i);
      return html`<${Field} label=${label}><select name=${name} required=${spec.required}
        value=${values[name] ?? ''} onChange=${(e) => set(e.currentTarget.value ? Number(e.currentTarget.value) : null)}>
        <option value="">${t('choose')}</option>
        ${range.map((i) => html`<option value=${i}>${'★'.repeat(i)} ${i}</option>`)}
      </select></${Field}>`;
    }
    return html`<${Field} label=${label}><textarea name=${name} rows="3" maxlength=${spec.max_length}
      required=${spec.required} value=${values[name] ?? ''}
      onInput=${(e) => set(e.currentTarget.value)} /></${Field}>`;
  });
}

export function argsComplete(args, values) {
  return Object.entries(args).every(([name, spec]) => !spec.required || (values[name] !== undefined && values[name] !== null && values[name] !== ''));
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

export function reasonText(workflow, result) {
  const reason = result && result.reason;
  const text = L(workflow.reasons[reason]) || reason || '';
  const fields = result && result.fields ? Object.entries(result.fields).map(([f, msgs]) => `${f}: ${[].concat(msgs).join('; ')}`).join(' · ') : '';
  return fields ? `${text}（${fields}）` : text;
}
