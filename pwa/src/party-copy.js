// The party's copy by QR code (当事人扫码取件). On the officer's phone: a full-screen QR code
// for an issued document, minted online (POST /documents/<id>/party-links), which he may take
// back. On the party's phone: the page the code opens (#/copy/<token>), without a login:
// the document's title, the agency, the date and a download button. The QR library is loaded
// only when a code is shown (it is not in the first load).
import { useEffect, useState } from 'preact/hooks';
import { BASE, Offline, call } from './api.js';
import { t } from './i18n.js';
import { chinaDate } from './public.js';
import { authed } from './session.js';
import { html } from './ui.js';

/** The download address of the party's copy behind a token. */
export function copyPdf(token) {
  return `${BASE}/copies/${encodeURIComponent(token)}.pdf`;
}

/** The QR code as an SVG path of its dark modules (no inline HTML: the CSP allows it). */
function QrSvg({ text }) {
  const [qr, setQr] = useState(null);
  useEffect(() => {
    import('qrcode-generator').then(({ default: qrcode }) => {
      const code = qrcode(0, 'M'); // the smallest version that holds it; 15% may be soiled
      code.addData(text);
      code.make();
      setQr(code);
    });
  }, [text]);
  if (!qr) return html`<div class="qr-wait" aria-busy="true"></div>`;
  const n = qr.getModuleCount();
  let d = '';
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) if (qr.isDark(y, x)) d += `M${x + 4} ${y + 4}h1v1h-1z`;
  // A quiet zone of four modules, as the standard asks; crisp edges, black on white.
  return html`<svg class="qr" data-qr=${text} viewBox=${`0 0 ${n + 8} ${n + 8}`} role="img" aria-label=${t('party_qr_alt')}
    shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff" /><path d=${d} fill="#000" /></svg>`;
}

/** The officer's full-screen code for one issued document; minted when opened. */
export function PartyQr({ doc, onClose }) {
  const [link, setLink] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    authed(`/documents/${doc.id}/party-links`, { method: 'POST' }).then(setLink, (e) =>
      setError(e instanceof Offline ? t('party_qr_offline') : e.message),
    );
    const onKey = (e) => e.key === 'Escape' && onClose();
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  async function revoke() {
    try {
      await authed(`/party-links/${link.id}`, { method: 'DELETE' });
      setLink(null);
      setError(t('party_qr_revoked'));
    } catch (e) {
      setError(e instanceof Offline ? t('party_qr_offline') : e.message);
    }
  }
  return html`<div class="party-qr" role="dialog" aria-modal="true" aria-label=${t('party_qr')} data-party-qr=${doc.id}>
    <h1>${t('party_qr')}</h1>
    <p class="party-qr-doc">${doc.number}</p>
    ${error ? html`<p class="error" role="alert" data-party-qr-error>${error}</p>` : null}
    ${
      link
        ? html`<${QrSvg} text=${link.url} />
      <p class="party-qr-hint">${t('party_qr_hint', { date: chinaDate(link.expires_at) })}</p>
      <p class="party-qr-url" data-party-url>${link.url}</p>`
        : null
    }
    ${!link && !error ? html`<p aria-busy="true">${t('party_qr_minting')}</p>` : null}
    <div class="actions">
      ${link ? html`<button type="button" class="secondary" data-action="revoke-party-link" onClick=${revoke}>${t('party_qr_revoke')}</button>` : null}
      <button type="button" class="primary" data-action="close-party-qr" onClick=${onClose}>${t('close')}</button>
    </div>
  </div>`;
}

/** The party's page (no login): what the document is, and its download. */
export function PartyCopyPage({ token }) {
  const [info, setInfo] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    call(`/copies/${encodeURIComponent(token)}`).then(setInfo, (e) =>
      setError(e instanceof Offline ? t('public_offline') : t('party_copy_gone')),
    );
  }, [token]);
  return html`<main class="public party-copy" data-party-copy="yes">
    <h1>${t('party_copy_title')}</h1>
    ${error ? html`<p class="error" role="alert" data-party-copy-error>${error}</p>` : null}
    ${
      info
        ? html`<dl class="public-facts">
        <dt>${t('party_copy_doc')}</dt><dd data-copy-title>${info.title}</dd>
        <dt>${t('party_copy_number')}</dt><dd>${info.doc_number}</dd>
        <dt>${t('public_unit')}</dt><dd data-copy-unit>${info.unit}</dd>
        <dt>${t('party_copy_date')}</dt><dd data-copy-date>${chinaDate(info.issued_at)}</dd>
      </dl>
      <a class="big primary" href=${copyPdf(token)} download data-download-copy>${t('party_copy_download')}</a>
      <p class="hint">${t('party_copy_hint')}</p>`
        : null
    }
  </main>`;
}
