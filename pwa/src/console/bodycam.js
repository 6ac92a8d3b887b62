// Body-camera files (执法记录仪) at the desk (issue 22): import them (导入执法记录仪视频), the
// township's import inbox, and a clip's time range linked to a case (关联到案件). The desk
// hashes each file before it is sent (the server refuses bytes that do not match), sends it
// by tus like a phone's video, and shows what the server read from the file: when and on
// which camera it was recorded, apart from who imported it and when.
import { useEffect, useRef, useState } from 'preact/hooks';
import { BASE, Offline } from '../api.js';
import { useApp } from '../app.js';
import { useRecords } from '../cases.js';
import { lang, t } from '../i18n.js';
import { CHINA_ZONE } from '../rules.js';
import { authed, token } from '../session.js';
import { html } from '../ui.js';
import { useFetched } from './common.js';

const SMALL = 64 * 1024 * 1024; // Web Crypto hashes a file this size in one call
const SLICE = 8 * 1024 * 1024; // a bigger one is read and hashed a slice at a time
const CHUNK = 8 * 1024 * 1024; // tus: one PATCH per 8 MiB

/** The file's SHA-256 as hex. Web Crypto for a small file; a body camera's (GB) is read a
 * slice at a time into hash-wasm's incremental SHA-256, so the tab never holds it whole and
 * ``progress(done, total)`` can be shown. */
export async function hashFile(file, progress = () => {}, { small = SMALL } = {}) {
  if (file.size <= small) {
    const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    progress(file.size, file.size);
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  const { createSHA256 } = await import('hash-wasm');
  const hasher = await createSHA256();
  hasher.init();
  for (let at = 0; at < file.size; at += SLICE) {
    hasher.update(new Uint8Array(await file.slice(at, at + SLICE).arrayBuffer()));
    progress(Math.min(at + SLICE, file.size), file.size);
  }
  return hasher.digest('hex');
}

/** The media type the workflow declares for a body camera's file, by its extension (a
 * browser names AVI variously, or not at all); null for a file a body camera does not write. */
export function bodycamType(name, spec) {
  const ext = (name.split('.').pop() || '').toLowerCase();
  return spec.extensions[ext] || null;
}

/** "mm:ss" (or "h:mm:ss", or seconds) → milliseconds; null when it is not a time. */
export function parseClock(text) {
  const parts = String(text).trim().split(':');
  if (!parts.length || parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) return null;
  return Math.round(parts.reduce((acc, p) => acc * 60 + Number(p), 0) * 1000);
}

export function clock(ms) {
  const s = Math.floor((ms || 0) / 1000);
  const mm = String(Math.floor(s / 60)).padStart(2, '0');
  return `${mm}:${String(s % 60).padStart(2, '0')}`;
}

function fullTime(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(lang, {
    timeZone: CHINA_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

async function sendByTus(file, evidenceId, sha256, onProgress) {
  const { Upload } = await import('tus-js-client');
  return new Promise((resolve, reject) => {
    const upload = new Upload(file, {
      endpoint: `${BASE}/uploads`,
      chunkSize: CHUNK,
      retryDelays: [0, 1000, 3000, 10000],
      // Resumable across a reload of the desk: the same file finds its unfinished upload.
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      metadata: { evidence_id: evidenceId, sha256, tier: 'original' },
      async onBeforeRequest(req) {
        req.setHeader('Authorization', `Bearer ${await token()}`);
      },
      onProgress: onProgress,
      onSuccess: resolve,
      onError: reject,
    });
    upload.findPreviousUploads().then((previous) => {
      if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    });
  });
}

function refusal(err) {
  const res = err.originalResponse;
  if (!res) return err.message;
  try {
    const body = JSON.parse(res.getBody() || '{}');
    return body.message || `HTTP ${res.getStatus()}`;
  } catch {
    return `HTTP ${res.getStatus()}`;
  }
}

function Origin({ item }) {
  const source = (s) => (s ? ` (${t(`bodycam_from_${s}`)})` : '');
  return html`<dl class="facts bodycam-facts">
    <dt>${t('bodycam_recorded_at')}</dt><dd data-recorded-at=${item.recorded_at || ''}>${item.recorded_at ? fullTime(item.recorded_at) : t('bodycam_unknown')}${source(item.recorded_at_source)}</dd>
    <dt>${t('bodycam_device')}</dt><dd data-device=${item.device || ''}>${item.device || t('bodycam_unknown')}${source(item.device_source)}</dd>
    ${item.duration_ms != null ? html`<dt>${t('bodycam_duration')}</dt><dd>${clock(item.duration_ms)}</dd>` : null}
    <dt>${t('bodycam_imported')}</dt><dd>${item.imported_by_name || item.imported_by} · ${fullTime(item.imported_at)}</dd>
    <dt>SHA-256</dt><dd class="hash" title=${item.sha256}>${item.sha256}</dd>
  </dl>
  ${(item.origin_disagreements || []).length ? html`<p class="warn" data-origin-disagrees="yes">${t('bodycam_sources_disagree')}</p>` : null}`;
}

/** 导入执法记录仪视频 and the township's import inbox; ``id``: a case to link to. */
export function Bodycam({ id: caseId }) {
  const { me, workflow, version, toast } = useApp();
  const spec = workflow.records.evidence.bodycam;
  const [tick, setTick] = useState(0);
  const [showAll, setShowAll] = useState(false);
  const [jobs, setJobs] = useState([]); // { key, name, stage, done, total, error, id }
  const [inbox, error] = useFetched(`/bodycam-imports${showAll ? '?all=1' : ''}`, [tick, showAll, version]);
  const [linking, setLinking] = useState(null);
  const cases = useRecords('case', workflow, me, version) || [];
  const update = (key, patch) => setJobs((js) => js.map((j) => (j.key === key ? { ...j, ...patch } : j)));

  async function importOne(file, key) {
    const mediaType = bodycamType(file.name, spec);
    if (!mediaType) return update(key, { stage: 'error', error: t('bodycam_not_video') });
    // Refused before a minute of hashing: the server would refuse it by its declared size.
    if (file.size > spec.max_size)
      return update(key, { stage: 'error', error: t('bodycam_too_large', { gib: (spec.max_size / 2 ** 30).toFixed(0) }) });
    try {
      update(key, { stage: 'hashing' });
      const sha256 = await hashFile(file, (done, total) => update(key, { done, total }));
      update(key, { stage: 'uploading', done: 0, total: file.size, sha256 });
      const made = await authed('/bodycam-imports', {
        method: 'POST',
        body: { file_name: file.name, original: { sha256, size: file.size, media_type: mediaType } },
      });
      update(key, { id: made.id });
      await sendByTus(file, made.id, sha256, (done, total) => update(key, { done, total }));
      update(key, { stage: 'done', item: await authed(`/bodycam-imports/${made.id}`) });
      setTick((n) => n + 1);
    } catch (err) {
      update(key, { stage: 'error', error: err instanceof Offline ? t('offline') : refusal(err) });
    }
  }
  function choose(e) {
    const files = [...e.currentTarget.files];
    e.currentTarget.value = '';
    const added = files.map((f, i) => ({
      key: `${Date.now()}-${i}`,
      name: f.name,
      size: f.size,
      stage: 'waiting',
      done: 0,
      total: f.size,
    }));
    setJobs((js) => [...added, ...js]);
    // One at a time: two GB files at once would only share the same line.
    (async () => {
      for (const [i, f] of files.entries()) await importOne(f, added[i].key);
    })();
  }
  const accept = Object.keys(spec.extensions)
    .map((x) => `.${x}`)
    .join(',');
  const target = caseId ? cases.find((c) => c.id === caseId) : null;
  return html`<main class="console bodycam" data-bodycam="yes">
    <h1>${t('bodycam_title')}</h1>
    ${target ? html`<p class="hint" data-for-case=${caseId}>${t('bodycam_for_case', { code: target.code || '' })} · <a href=${`#/case/${caseId}`}>${t('bodycam_back')}</a></p>` : null}
    <section class="box bodycam-import">
      <label class="big primary file-pick">${t('bodycam_choose')}<input type="file" name="bodycam_files" multiple accept=${accept} onChange=${choose} /></label>
      <p class="hint">${t('bodycam_hint', { types: Object.keys(spec.extensions).join(' / ').toUpperCase() })}</p>
      <ul class="list jobs">${jobs.map(
        (j) => html`<li class="row" data-job=${j.name} data-stage=${j.stage}>
          <span class="title">${j.name}</span>
          <span class="meta">${t(`bodycam_stage_${j.stage}`)}${['hashing', 'uploading'].includes(j.stage) && j.total ? ` ${Math.floor((100 * j.done) / j.total)}%` : ''}</span>
          ${['hashing', 'uploading'].includes(j.stage) ? html`<progress max=${j.total || 1} value=${j.done || 0}></progress>` : null}
          ${j.error ? html`<span class="warn" data-job-error="yes">${j.error}</span>` : null}
          ${j.item ? html`<${Origin} item=${j.item} />` : null}
        </li>`,
      )}</ul>
    </section>
    <section class="box bodycam-inbox">
      <h2>${t(showAll ? 'bodycam_all' : 'bodycam_inbox')}</h2>
      <label class="check"><input type="checkbox" checked=${showAll} onChange=${(e) => setShowAll(e.currentTarget.checked)} /> ${t('bodycam_show_linked')}</label>
      ${error ? html`<p class="hint">${error === 'offline' ? t('offline') : error}</p>` : null}
      ${inbox && !inbox.imports.length ? html`<p class="hint" data-inbox-empty="yes">${t('bodycam_inbox_empty')}</p>` : null}
      <ul class="list">${(inbox ? inbox.imports : []).map(
        (item) => html`<li class="row bodycam-item" data-import=${item.id} data-held=${item.held ? 'yes' : 'no'}>
          <span class="title">${item.file_name}</span>
          ${item.held ? null : html`<span class="chip st-attention">${t('bodycam_not_uploaded')}</span>`}
          <${Origin} item=${item} />
          ${item.links.length ? html`<p class="meta" data-links=${item.links.length}>${t('bodycam_linked_to')}：${item.links.map((l) => `${l.case_code} ${clock(l.start_ms)}–${clock(l.end_ms)}`).join('；')}</p>` : null}
          ${
            linking === item.id
              ? html`<${LinkForm} item=${item} cases=${cases} caseId=${caseId} toast=${toast} done=${() => {
                  setLinking(null);
                  setTick((n) => n + 1);
                }} />`
              : item.held
                ? html`<div class="actions"><button type="button" class="primary" data-action="link" onClick=${() => setLinking(item.id)}>${t('bodycam_link')}</button></div>`
                : null
          }
        </li>`,
      )}</ul>
    </section>
  </main>`;
}

/** 关联到案件: the case, and a range of the clip (the player's 设为起点/设为终点, or mm:ss). */
function LinkForm({ item, cases, caseId, toast, done }) {
  const [chosen, setChosen] = useState(caseId || '');
  const [start, setStart] = useState('00:00');
  const [end, setEnd] = useState(clock(item.duration_ms));
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const [url, setUrl] = useState(null);
  const player = useRef(null);
  // Played from the short-lived address the server gives (ranges: a body camera's file of
  // a gigabyte is sought through, never fetched whole into the page).
  useEffect(() => {
    authed(`/evidence/${item.id}/play`, { method: 'POST' }).then(
      (a) => setUrl(a.url),
      () => {},
    );
  }, [item.id]);
  const open = cases.filter((c) => c.version && !c.local);
  const mark = (set) => player.current && set(clock(player.current.currentTime * 1000));
  async function save() {
    const startMs = parseClock(start);
    const endMs = parseClock(end);
    const local = {};
    if (!chosen) local.case_id = [t('bodycam_pick_case')];
    if (startMs == null) local.start_ms = [t('bodycam_bad_time')];
    if (endMs == null) local.end_ms = [t('bodycam_bad_time')];
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      await authed(`/bodycam-imports/${item.id}/links`, { method: 'POST', body: { case_id: chosen, start_ms: startMs, end_ms: endMs } });
      toast(t('bodycam_linked'));
      done();
    } catch (err) {
      if (err.body && err.body.fields) setErrors(err.body.fields);
      toast(err instanceof Offline ? t('offline') : err.message);
    } finally {
      setBusy(false);
    }
  }
  const fieldError = (name) =>
    errors[name] ? html`<span class="warn" data-field-error=${name}>${[].concat(errors[name]).join('；')}</span>` : null;
  return html`<div class="link-form" data-link-form=${item.id}>
    ${url ? html`<video ref=${player} src=${url} controls preload="metadata" class="bodycam-player"></video>` : html`<p class="hint">${t('bodycam_loading')}</p>`}
    <label class="field"><span>${t('bodycam_case')} *</span>
      <select name="case" value=${chosen} onChange=${(e) => setChosen(e.currentTarget.value)}>
        <option value="">—</option>
        ${open.map((c) => html`<option value=${c.id}>${c.code || c.id.slice(0, 8)} ${c.fields && c.fields.party && c.fields.party.name ? `· ${c.fields.party.name}` : ''}</option>`)}
      </select>${fieldError('case_id')}</label>
    <div class="range">
      <label class="field"><span>${t('bodycam_start')}</span><input name="start" inputmode="numeric" value=${start} onInput=${(e) => setStart(e.currentTarget.value)} />${fieldError('start_ms')}</label>
      <button type="button" class="secondary" data-action="set-start" onClick=${() => mark(setStart)}>${t('bodycam_set_start')}</button>
      <label class="field"><span>${t('bodycam_end')}</span><input name="end" inputmode="numeric" value=${end} onInput=${(e) => setEnd(e.currentTarget.value)} />${fieldError('end_ms')}</label>
      <button type="button" class="secondary" data-action="set-end" onClick=${() => mark(setEnd)}>${t('bodycam_set_end')}</button>
    </div>
    <div class="actions"><button type="button" class="secondary" onClick=${done}>${t('cancel')}</button>
      <button type="button" class="primary" data-action="save-link" disabled=${busy} onClick=${save}>${t('bodycam_link')}</button></div>
  </div>`;
}

/** The body-camera ranges linked to a case, on its page: range, recording time, camera, hash. */
export function CaseClips({ caseId, version, canLink }) {
  const [data, error] = useFetched(`/cases/${caseId}/clips`, [caseId, version]);
  if (error) return html`<p class="hint">${t('bodycam_clips')}: ${error === 'offline' ? t('offline') : error}</p>`;
  if (!data) return null;
  return html`<section class="box case-clips" data-case-clips=${data.clips.length}>
    <h2>${t('bodycam_clips')} (${data.clips.length})</h2>
    ${data.clips.length ? null : html`<p class="hint">${t('bodycam_no_clips')}</p>`}
    <ul class="list">${data.clips.map(
      (c) => html`<li class="row" data-clip=${c.id} data-range=${`${clock(c.start_ms)}-${clock(c.end_ms)}`}>
        <span class="title">${c.clip.file_name} · ${clock(c.start_ms)}–${clock(c.end_ms)}</span>
        <${Origin} item=${c.clip} />
      </li>`,
    )}</ul>
    ${canLink ? html`<a class="secondary" href=${`#/bodycam/${caseId}`} data-action="link-bodycam">${t('bodycam_link_here')}</a>` : null}
  </section>`;
}
