// Electronic service (电子送达, 行政处罚法 第六十一条第二款): the party's signed consent taken
// on the officer's phone, offline (a step queued like the others, his drawn signature kept as
// evidence on the clue), and where each document's electronic service stands: sent,
// delivered, opened (收悉), served on which day, or failed with why. The server sends; the
// patterns the form checks are the workflow's, which the server checks with too.
import { useEffect, useState } from 'preact/hooks';
import { Offline } from './api.js';
import { L, t, when } from './i18n.js';
import * as box from './outbox.js';
import { evidence, prepare } from './photos.js';
import { addressOk } from './rules.js';
import { authed } from './session.js';
import { SignaturePad } from './signature.js';
import { Field, html, savedText, today } from './ui.js';

/** What a screen shows of an address the phone holds: 139****5678, z***@example.cn. */
export function masked(channel, address) {
  if (channel === 'sms') return `${address.slice(0, 3)}****${address.slice(-4)}`;
  const [name, domain] = address.split('@');
  return `${name.slice(0, 1)}***@${domain}`;
}

/** The 电子送达确认书 the party signs: his addresses, the day, his signature last. */
export function ConsentForm({ rec, workflow, me, toast, onDone }) {
  const spec = workflow.records.case.transitions.consent_eservice;
  const [form, setForm] = useState({ mobile: rec.party && rec.party.phone ? rec.party.phone : '', email: '', signed_on: today() });
  const [signature, setSignature] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (patch) => setForm({ ...form, ...patch });
  const mobile = form.mobile.trim();
  const email = form.email.trim();
  const wrong = {
    mobile: !addressOk(spec.args.mobile, mobile),
    email: !addressOk(spec.args.email, email),
  };
  const lacking = [
    ...(!mobile && !email ? [t('eservice_need_address')] : []),
    ...(wrong.mobile ? [t('eservice_bad_mobile')] : []),
    ...(wrong.email ? [t('eservice_bad_email')] : []),
    ...(!signature ? [t('signature')] : []),
  ];
  // The party signs once the rest is right, and again if what he signed changes.
  const ready = lacking.length === 1 && !signature;
  const signedText = `${mobile}|${email}|${form.signed_on}`;
  useEffect(() => setSignature(null), [signedText]);

  async function save() {
    setBusy(true);
    try {
      const sig = await prepare(new File([signature], 'signature.png', { type: 'image/png' }));
      const ev = evidence(rec.clue_id || rec.parent_id, sig, { capturedAt: new Date().toISOString(), note: L(spec.label) });
      const args = { signature: sig.original.sha256, signed_on: form.signed_on };
      if (mobile) args.mobile = mobile;
      if (email) args.email = email;
      const step = {
        record_type: 'case',
        record_id: rec.id,
        op: 'transition',
        base_version: rec.version || null,
        payload: { name: 'consent_eservice', args },
      };
      await box.record(me.id, [ev.mutation, step], ev.files);
      toast(savedText());
      onDone();
    } finally {
      setBusy(false);
    }
  }

  return html`<section class="box step-form eservice-consent" data-step="consent_eservice">
    <h2>${L(spec.label)}</h2>
    <p class="explains">${L(spec.explains)}</p>
    <${Field} label=${t('eservice_mobile')}>
      <input name="mobile" type="tel" inputmode="numeric" autocomplete="off" maxlength=${spec.args.mobile.max_length}
        aria-invalid=${wrong.mobile ? 'true' : 'false'} value=${form.mobile} onInput=${(e) => set({ mobile: e.currentTarget.value })} />
    </${Field}>
    ${wrong.mobile ? html`<p class="field-error" role="alert" data-wrong="mobile">${t('eservice_bad_mobile')}</p>` : null}
    <${Field} label=${t('eservice_email')}>
      <input name="email" type="email" autocomplete="off" maxlength=${spec.args.email.max_length}
        aria-invalid=${wrong.email ? 'true' : 'false'} value=${form.email} onInput=${(e) => set({ email: e.currentTarget.value })} />
    </${Field}>
    ${wrong.email ? html`<p class="field-error" role="alert" data-wrong="email">${t('eservice_bad_email')}</p>` : null}
    <${Field} label=${`${t('eservice_signed_on')} *`}>
      <input name="signed_on" type="date" max=${today()} required value=${form.signed_on} onInput=${(e) => set({ signed_on: e.currentTarget.value })} />
    </${Field}>
    <h3>${t('signature')}</h3>
    ${
      ready || signature
        ? html`<p class="hint">${t('eservice_sign_hint')}</p><${SignaturePad} key=${signedText} onChange=${setSignature} />`
        : html`<p class="hint" data-sign-later>${t('sign_after')}</p>`
    }
    ${
      lacking.length
        ? html`<div class="box missing" role="status" aria-live="polite"><strong>${t('still_missing')}</strong>
        <ul>${lacking.map((x) => html`<li data-missing>${x}</li>`)}</ul></div>`
        : null
    }
    <div class="actions"><button type="button" class="secondary" onClick=${onDone}>${t('cancel')}</button>
      <button type="button" class="primary" data-action="save-step" disabled=${lacking.length > 0 || busy} onClick=${save}>${L(spec.commit)}</button></div>
  </section>`;
}

// Why a sending stopped, in words, where the server names a reason of its own (a gateway's
// own answer, "HTTP 503 from …", is shown as it came).
const REASONS = {
  consent_withdrawn: 'eservice_why_withdrawn',
  no_sms_channel: 'eservice_why_no_channel',
  no_email_channel: 'eservice_why_no_channel',
};

function whyText(error) {
  return REASONS[error] ? t(REASONS[error]) : error || '';
}

function channelName(channel) {
  return channel === 'sms' ? t('eservice_sms') : t('eservice_email_ch');
}

function state(s) {
  if (s.served_on) return ['served', t('eservice_served', { d: s.served_on })];
  if (s.failed_at) return ['failed', t('eservice_failed')];
  if (s.opened_at) return ['opened', t('eservice_opened')];
  if (s.delivered_at) return ['delivered', t('eservice_delivered')];
  return ['queued', s.attempts ? t('eservice_retrying', { n: s.attempts }) : t('eservice_queued')];
}

/** Where the case's electronic service stands: the consent (from the phone's copy of the
 * case, offline too), and online each document's sending, from the server. */
export function EService({ rec, version }) {
  const [data, setData] = useState(null);
  const [offline, setOffline] = useState(false);
  useEffect(() => {
    if (!rec.version || rec.local) return; // not on the server yet: nothing sent
    authed(`/cases/${rec.id}/electronic-service`).then(
      (d) => {
        setData(d);
        setOffline(false);
      },
      (e) => setOffline(e instanceof Offline),
    );
  }, [rec.id, rec.version, version]);
  const consentOn = rec.eservice_consent_on;
  if (!consentOn && !(data && data.services.length)) return null;
  const addresses = [
    ...(rec.eservice_mobile ? [['sms', rec.eservice_mobile]] : []),
    ...(rec.eservice_email ? [['email', rec.eservice_email]] : []),
  ];
  return html`<section class="box eservice" data-eservice>
    <h2>${t('eservice_h')}</h2>
    ${
      consentOn
        ? html`<p data-consent=${rec.eservice_withdrawn_on ? 'withdrawn' : 'standing'}>
        ${rec.eservice_withdrawn_on ? t('eservice_withdrawn', { d: rec.eservice_withdrawn_on }) : t('eservice_consent', { d: consentOn })}
        ${addresses.map(([c, a]) => html` <span class="chip" data-address=${c}>${channelName(c)} ${masked(c, a)}</span>`)}</p>`
        : null
    }
    ${offline ? html`<p class="hint">${t('eservice_offline')}</p>` : null}
    ${
      data && data.services.length
        ? html`<ul class="list eservice-list">${data.services.map((s) => {
            const [key, text] = state(s);
            return html`<li class="row" data-service=${s.channel} data-state=${key}>
          <span class="title">《${s.title}》 ${s.doc_number} · ${channelName(s.channel)} ${s.address}</span>
          <span class=${`chip st-${key === 'failed' ? 'attention' : key === 'served' ? 'done' : 'pending'}`}>${text}</span>
          <dl class="facts">
            <dt>${t('eservice_sent_at')}</dt><dd>${when(s.queued_at)}</dd>
            <dt>${t('eservice_delivered_at')}</dt><dd>${s.delivered_at ? when(s.delivered_at) : '—'}</dd>
            <dt>${t('eservice_opened_at')}</dt><dd>${s.opened_at ? when(s.opened_at) : '—'}</dd>
          </dl>
          ${
            s.failed_at
              ? html`<p class="reason" role="alert" data-reason>${t('eservice_reason', { why: whyText(s.error) })}</p>
            <p class="hint" data-hint="other-way">${t('eservice_other_way')}</p>`
              : null
          }
          ${s.delivered_at && !s.opened_at && !s.failed_at ? html`<p class="hint">${t('eservice_wait_open')}</p>` : null}
          ${
            s.serve_outcome && !['applied', 'event_only'].includes(s.serve_outcome)
              ? html`<p class="reason" data-serve-outcome=${s.serve_outcome}>${t('eservice_not_recorded', { why: s.serve_outcome })}</p>`
              : null
          }
        </li>`;
          })}</ul>`
        : consentOn && !rec.eservice_withdrawn_on && data
          ? html`<p class="hint">${t('eservice_none_yet')}</p>`
          : null
    }
  </section>`;
}
