// 行政处罚决定公开 (行政处罚法 第四十八条): the decisions a unit's head made public, for anyone,
// without a login. It asks the server with no token (the public routes need none) and shows
// nothing else of the app: no sync bar, no records, no one's name but the unit's. A decision
// withdrawn because it was changed or revoked stays listed, with the reason in place of it.
import { useEffect, useState } from 'preact/hooks';
import { BASE, Offline, call } from './api.js';
import { t } from './i18n.js';
import { chinaDay } from './rules.js';
import { html } from './ui.js';

/** The China day (YYYY-MM-DD) of a server time: the day a person there saw it happen. */
export function chinaDate(iso) {
  return iso ? chinaDay(Date.parse(iso)) : '';
}

/** Where a decision stands: 'withdrawn' once withdrawn, else 'published' once made public,
 * else 'unpublished' (only the desk sees those). */
export function publicationState(doc) {
  if (doc.withdrawn_at) return 'withdrawn';
  return doc.published_at ? 'published' : 'unpublished';
}

/** The address of a published decision's redacted copy (the server answers 410 once it is
 * withdrawn, so the list offers no link then). */
export function publicPdf(doc) {
  return `${BASE}/public/decisions/${encodeURIComponent(doc.id)}.pdf`;
}

function Decision({ doc }) {
  const state = publicationState(doc);
  const kind = t(`doc_kind_${doc.kind}`);
  return html`<li class="row public-decision" data-public-decision=${doc.id} data-state=${state}>
    <span class="title">${doc.doc_number}</span>
    ${state === 'withdrawn' ? html`<span class="chip st-attention" data-withdrawn="yes">${t('public_withdrawn')}</span>` : null}
    <dl class="public-facts">
      <dt>${t('public_unit')}</dt><dd data-unit>${doc.unit}</dd>
      <dt>${t('public_kind')}</dt><dd>${kind}</dd>
      <dt>${t('public_act_code')}</dt><dd class="code" data-act-code>${doc.act_code}</dd>
      <dt>${t('public_published_on')}</dt><dd data-published-on>${chinaDate(doc.published_at)}</dd>
      ${
        state === 'withdrawn'
          ? html`<dt>${t('public_withdrawn_on')}</dt><dd data-withdrawn-on>${chinaDate(doc.withdrawn_at)}</dd>
        <dt>${t('public_reason')}</dt><dd class="reason-text" data-reason>${doc.withdrawal_reason}</dd>`
          : null
      }
    </dl>
    ${
      state === 'published'
        ? html`<a class="big public-open" href=${publicPdf(doc)} target="_blank" rel="noopener" data-open-pdf=${doc.id}>${t('public_open_pdf')}</a>`
        : null
    }
  </li>`;
}

/** The page: what is published and why (art. 48), then each decision, newest first. */
export function PublicDecisions({ back }) {
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    setError(null);
    call('/public/decisions').then(
      (r) => alive && setRows(r),
      (e) => alive && setError(e instanceof Offline ? t('public_offline') : e.message),
    );
    return () => {
      alive = false;
    };
  }, [tick]);
  return html`<main class="public" data-public-page="yes">
    <p class="back"><a href="#/">← ${back}</a></p>
    <h1>${t('public_title')}</h1>
    <p class="public-intro">${t('public_intro')}</p>
    <p class="hint">${t('public_withdrawal_rule')}</p>
    ${
      error
        ? html`<div class="box" role="alert"><p class="error">${error}</p>
      <button type="button" class="secondary" data-action="reload-public" onClick=${() => setTick(tick + 1)}>${t('public_reload')}</button></div>`
        : null
    }
    ${rows && rows.length === 0 ? html`<p data-public-empty="yes">${t('public_none')}</p>` : null}
    ${rows && rows.length ? html`<ul class="list public-list">${rows.map((d) => html`<${Decision} doc=${d} />`)}</ul>` : null}
  </main>`;
}
