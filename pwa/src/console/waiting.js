// Records waiting for a unit (待归属记录).
import { L, t, when } from '../i18n.js';
import { html } from '../ui.js';
import { useFetched } from './common.js';
import { useApp } from '../app.js';

/** Notes and photos that reached the server before the record they belong to, or whose
 * author may not see it (R3): who sent each, what it says, how long it has waited. After the
 * server's period they become sync conflicts for this room (flask sync purge-waiting). */
export function Waiting() {
  const { workflow } = useApp();
  const [rows, error] = useFetched('/sync/waiting?page_size=100', []);
  const kind = (r) => (workflow.records[r.record_type] ? L(workflow.records[r.record_type].label) : r.record_type);
  return html`<main class="console wide waiting">
    <h1>${t('waiting_list')}</h1>
    <p class="hint">${t('waiting_list_hint')}</p>
    ${error ? html`<p class="error" role="alert">${error === 'offline' ? t('offline') : error}</p>` : null}
    ${
      rows
        ? html`<ul class="list">${rows.map(
            (r) => html`<li class="row" data-mutation=${r.mutation_id}>
        <span class="title">${r.author_name}</span>
        <span class=${`chip ${r.age_days >= 7 ? 'st-attention' : 'st-waiting'}`} data-age=${r.age_days}>${r.age_days ? t('waited_days', { n: r.age_days }) : t('waited_today')}</span>
        ${r.text ? html`<span class="text">${r.text}</span>` : null}
        <span class="meta">${kind(r)} · ${t('arrived_at')} ${when(r.created_at)}</span>
      </li>`,
          )}</ul>`
        : null
    }
    ${rows && rows.length === 0 ? html`<p>${t('waiting_list_empty')}</p>` : null}
  </main>`;
}
