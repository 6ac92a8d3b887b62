// Officers' own signing keys at the desk (issue 22): the administrator of their township (or the
// county's) puts the agency's CA's PKCS#12 file on an officer's account with the passphrase the
// officer types (sent once, never kept: server/accounts/signing.py), sees whose key is on which
// account, and takes one off. The server decides who may and says what is wrong, by field.
import { useEffect, useState } from 'preact/hooks';
import { Offline } from '../api.js';
import { useApp } from '../app.js';
import { lang, t } from '../i18n.js';
import { CHINA_ZONE } from '../rules.js';
import { authed } from '../session.js';
import { Field, html } from '../ui.js';

const PAGE = 100; // the server's largest page

/** Every account the administrator sees, page after page (a county has more than one). */
async function everyone() {
  const out = [];
  for (let page = 1; ; page += 1) {
    const batch = await authed(`/users?page_size=${PAGE}&page=${page}`);
    out.push(...batch);
    if (batch.length < PAGE) return out;
  }
}

function usePeople(tick) {
  const [people, setPeople] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let alive = true;
    everyone().then(
      (p) => alive && setPeople(p),
      (e) => alive && setError(e instanceof Offline ? 'offline' : e.message),
    );
    return () => {
      alive = false;
    };
  }, [tick]);
  return [people, error];
}

/** A certificate's end as a day with its year, in China's time (a key lasts years). */
export function until(iso) {
  return new Date(iso).toLocaleDateString(lang, { timeZone: CHINA_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
}

/** A file's bytes as base64, as the server's ``p12`` field takes them. */
export async function base64Of(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** Who can hold a signing key: a certified officer (his 执法证号 is what the key must name). */
function holders(people) {
  return (people || []).filter((p) => (p.roles || []).includes('officer') || p.certificate_no);
}

function KeyFacts({ cert }) {
  if (!cert) return html`<span class="hint" data-no-key="yes">${t('signing_key_none')}</span>`;
  return html`<dl class="facts" data-key-serial=${cert.serial}>
    <dt>${t('signing_key_subject')}</dt><dd>${cert.subject}</dd>
    <dt>${t('signing_key_serial')}</dt><dd class="hash">${cert.serial}</dd>
    <dt>${t('signing_key_issuer')}</dt><dd>${cert.issuer}</dd>
    <dt>${t('signing_key_valid_until')}</dt><dd data-valid-until=${cert.valid_until}>${until(cert.valid_until)}</dd>
    <dt>${t('signing_key_number')}</dt><dd data-number-matches=${cert.certificate_no_matches ? 'yes' : 'no'}>${cert.certificate_no || '—'} <span class=${`chip ${cert.certificate_no_matches ? 'st-done' : 'st-attention'}`}>${t(cert.certificate_no_matches ? 'signing_key_matches' : 'signing_key_mismatch')}</span></dd>
  </dl>`;
}

/** The form that puts a key on one account: the file, and the officer's passphrase. */
function Enrol({ person, done, cancel }) {
  const { toast } = useApp();
  const [file, setFile] = useState(null);
  const [passphrase, setPassphrase] = useState('');
  const [fields, setFields] = useState({});
  const [busy, setBusy] = useState(false);
  async function send(e) {
    e.preventDefault();
    setBusy(true);
    try {
      await authed(`/users/${person.id}/signing-key`, { method: 'PUT', body: { p12: await base64Of(file), passphrase } });
      setPassphrase('');
      toast(t('signing_key_enrolled', { name: person.display_name }));
      done();
    } catch (err) {
      const found = (err.body && err.body.fields) || {};
      if (err.body && err.body.error === 'wrong_passphrase') found.passphrase = [t('signing_key_wrong_passphrase')];
      setFields(found);
      if (!Object.keys(found).length) toast(err instanceof Offline ? t('signing_key_try_later') : err.message);
    } finally {
      setBusy(false);
    }
  }
  const wrong = (k) => (fields[k] ? [].concat(fields[k]).join('；') : null);
  return html`<form class="box signing-enrol" data-enrol=${person.id} onSubmit=${send}>
    <h2>${t('signing_key_enrol_for', { name: person.display_name, number: person.certificate_no || '—' })}</h2>
    <${Field} label=${`${t('signing_key_file')} *`} hint=${t('signing_key_file_hint')} error=${wrong('p12')}>
      <input type="file" name="p12" accept=".p12,.pfx,application/x-pkcs12" required onChange=${(e) => setFile(e.currentTarget.files[0] || null)} /></${Field}>
    <${Field} label=${`${t('signing_key_passphrase')} *`} hint=${t('signing_key_passphrase_hint')} error=${wrong('passphrase')}>
      <input type="password" name="signing_passphrase" autocomplete="off" required value=${passphrase} onInput=${(e) => setPassphrase(e.currentTarget.value)} /></${Field}>
    <div class="actions"><button type="button" class="secondary" onClick=${cancel}>${t('cancel')}</button>
      <button type="submit" class="primary" data-action="enrol-key" disabled=${busy || !file || !passphrase}>${t('signing_key_enrol')}</button></div>
  </form>`;
}

export function Accounts() {
  const { toast } = useApp();
  const [tick, setTick] = useState(0);
  const [people, error] = usePeople(tick);
  const [enrolling, setEnrolling] = useState(null);
  const [removing, setRemoving] = useState(null);
  const officers = holders(people);
  async function remove(person) {
    try {
      await authed(`/users/${person.id}/signing-key`, { method: 'DELETE' });
      toast(t('signing_key_removed', { name: person.display_name }));
      setRemoving(null);
      setTick(tick + 1);
    } catch (err) {
      toast(err instanceof Offline ? t('offline') : err.message);
    }
  }
  const person = officers.find((p) => p.id === enrolling);
  return html`<main class="console wide accounts" data-accounts="yes">
    <h1>${t('signing_keys_title')}</h1>
    <p class="hint">${t('signing_keys_hint')}</p>
    ${error ? html`<p class="error" role="alert">${error === 'offline' ? t('offline') : error}</p>` : null}
    ${
      person
        ? html`<${Enrol} person=${person} cancel=${() => setEnrolling(null)} done=${() => {
            setEnrolling(null);
            setTick(tick + 1);
          }} />`
        : null
    }
    ${people && !officers.length ? html`<p class="hint">${t('signing_keys_none')}</p>` : null}
    ${
      officers.length
        ? html`<div class="scroll"><table class="grid signing-keys"><thead><tr><th>${t('signing_key_officer')}</th><th>${t('signing_key_account_number')}</th><th>${t('signing_key_col')}</th><th></th></tr></thead>
      <tbody>${officers.map(
        (p) => html`<tr data-account=${p.username} data-has-key=${p.signing_certificate ? 'yes' : 'no'}>
        <td><strong>${p.display_name}</strong><br /><span class="hint">${p.username} · ${(p.unit && p.unit.name) || ''}</span></td>
        <td>${p.certificate_no || '—'}</td>
        <td><${KeyFacts} cert=${p.signing_certificate} /></td>
        <td>
          <button type="button" class="secondary small" data-action="enrol" onClick=${() => setEnrolling(p.id)}>${t(p.signing_certificate ? 'signing_key_replace' : 'signing_key_enrol')}</button>
          ${
            p.signing_certificate
              ? removing === p.id
                ? html`<p class="warn">${t('signing_key_remove_confirm', { name: p.display_name })}</p>
                  <button type="button" class="secondary small" onClick=${() => setRemoving(null)}>${t('cancel')}</button>
                  <button type="button" class="primary small" data-action="confirm-remove-key" onClick=${() => remove(p)}>${t('signing_key_remove')}</button>`
                : html`<button type="button" class="link-ink small" data-action="remove-key" onClick=${() => setRemoving(p.id)}>${t('signing_key_remove')}</button>`
              : null
          }
        </td>
      </tr>`,
      )}</tbody></table></div>`
        : null
    }
  </main>`;
}
