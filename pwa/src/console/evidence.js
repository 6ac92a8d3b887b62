// A record's evidence gallery and its timeline.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Offline } from '../api.js';
import { L, t, when } from '../i18n.js';
import { authed, authedBlob } from '../session.js';
import { clock } from '../recording.js';
import { MediaIcon, html } from '../ui.js';
import { useFetched } from './common.js';

/** What a photo's tile says while it has no thumbnail: the server does not hold it yet, its
 * thumbnail is on its way (made on first view), or did not come (the photo is held all the
 * same: 原图 opens it). */
export function thumbState(e, failed = {}) {
  if (!(e.original.held || (e.copy && e.copy.held))) return 'not_uploaded';
  return failed[e.id] ? 'failed' : 'loading';
}

/** Thumbnails first; the 1600 px copy on a click; the original only when asked (audited). */
export function Gallery({ clueId, workflow, version, toast }) {
  const [items, error] = useFetched(`/clues/${clueId}/evidence`, [clueId, version]);
  const [thumbs, setThumbs] = useState({});
  const [failed, setFailed] = useState({}); // held, but its thumbnail did not come
  const [open, setOpen] = useState(null);
  const urls = useRef([]);
  useEffect(() => () => urls.current.forEach((u) => URL.revokeObjectURL(u)), []);
  useEffect(() => {
    if (!items) return;
    for (const e of items) {
      if (thumbs[e.id] || !(e.original.held || (e.copy && e.copy.held)) || e.kind === 'audio') continue;
      // A video's picture is the server's poster frame, at the size a player shows it.
      authedBlob(`/evidence/${e.id}/files/${e.kind === 'video' ? 'display' : 'thumb'}`).then(
        (b) => {
          const u = URL.createObjectURL(b);
          urls.current.push(u);
          setThumbs((x) => ({ ...x, [e.id]: u }));
        },
        () => setFailed((x) => ({ ...x, [e.id]: true })),
      );
    }
  }, [items]);
  async function show(e, variant) {
    try {
      const u = URL.createObjectURL(await authedBlob(`/evidence/${e.id}/files/${variant}`));
      urls.current.push(u);
      setOpen({
        id: e.id,
        variant,
        url: u,
        name: `${e.original.sha256.slice(0, 16)}.${(e.original.media_type || 'image/jpeg').split('/')[1]}`,
      });
    } catch (err) {
      toast(err instanceof Offline ? t('offline') : err.message);
    }
  }
  if (error) return html`<p class="hint">${t('evidence')}: ${error === 'offline' ? t('offline') : error}</p>`;
  if (!items) return null;
  const recordings = items.filter(recorded);
  const pictures = items.filter((e) => !recorded(e));
  return html`<section class="box gallery"><h2>${t('evidence')} (${items.length})</h2>
    ${items.length ? null : html`<p class="hint" data-no-evidence="yes">${t('no_evidence')}</p>`}
    ${recordings.length ? html`<ul class="recordings">${recordings.map((e) => html`<${Recording} e=${e} poster=${thumbs[e.id]} workflow=${workflow} toast=${toast} />`)}</ul>` : null}
    <ul class="thumbs">${pictures.map(
      (e) => html`<li data-evidence=${e.id} data-status=${e.status}>
      ${
        thumbs[e.id]
          ? html`<button type="button" class="thumb-button" onClick=${() => show(e, 'display')}><img class="thumb" src=${thumbs[e.id]} alt=${t('evidence')} width="120" height="120" /></button>`
          : html`<span class="thumb pending" data-thumb=${thumbState(e, failed)}>${t(`thumb_${thumbState(e, failed)}`)}</span>`
      }
      <span class="meta">${when(e.captured_at)}${e.status === 'excluded' ? ` · ${L(workflow.records.evidence.statuses.excluded)}` : ''}</span>
      ${(e.disagreements || []).length ? html`<span class="warn" data-disagreement=${e.disagreements.map((d) => d.field || d.kind || d).join(',')}>${t('exif_disagrees')}: ${e.disagreements.map((d) => d.field || d.kind || d).join('、')}</span>` : null}
      ${e.original.held ? html`<button type="button" class="link-ink small" data-original=${e.id} onClick=${() => show(e, 'original')}>${t('original')}</button>` : null}
    </li>`,
    )}</ul>
    ${
      open
        ? html`<figure class="lightbox" data-open=${open.variant}>
      ${
        open.variant === 'original'
          ? html`<a class="big" href=${open.url} download=${open.name}>${t('download_original')}</a>`
          : html`<img src=${open.url} alt=${t('evidence')} />`
      }
      <button type="button" class="secondary" onClick=${() => setOpen(null)}>${t('close')}</button></figure>`
        : null
    }
  </section>`;
}

const recorded = (e) => e.kind === 'audio' || e.kind === 'video';

/** A sound or video recording: its length, when it was captured (China time), its hash and
 * whether the server holds it verified; played in the page once asked for, from a
 * short-lived address the server gives (the viewing is in the audit log, as a photo's
 * original is): the player reads it in ranges, so a long recording is never fetched whole. */
function Recording({ e, poster, workflow, toast }) {
  const [src, setSrc] = useState(null);
  const [loading, setLoading] = useState(false);
  async function play() {
    setLoading(true);
    try {
      setSrc((await authed(`/evidence/${e.id}/play`, { method: 'POST' })).url);
    } catch (err) {
      toast(err instanceof Offline ? t('offline') : err.message);
    } finally {
      setLoading(false);
    }
  }
  const held = e.original.held;
  const label = t(`rec_${e.kind}`);
  const player = src
    ? e.kind === 'video'
      ? html`<video data-player="video" controls autoplay playsinline preload="auto" poster=${poster || undefined} src=${src} aria-label=${label}></video>`
      : html`<audio data-player="audio" controls autoplay preload="auto" src=${src} aria-label=${label}></audio>`
    : html`<button type="button" class=${`play ${e.kind}`} data-play=${e.id} disabled=${!held || loading} onClick=${play}>
        ${poster ? html`<img src=${poster} alt="" />` : null}<span class="icon"><${MediaIcon} kind=${held ? 'play' : e.kind} /></span><span>${held ? (loading ? t('loading') : `${t('play')} ${label}`) : t('recording_not_yet_uploaded')}</span></button>`;
  return html`<li data-evidence=${e.id} data-kind=${e.kind} data-status=${e.status}>
    ${player}
    <dl class="facts">
      <dt><${MediaIcon} kind=${e.kind} /> ${label}</dt><dd data-duration=${e.duration_ms ?? ''}>${e.duration_ms != null ? clock(e.duration_ms) : '—'}</dd>
      <dt>${t('captured_at')}</dt><dd>${when(e.captured_at)}</dd>
      <dt>SHA-256</dt><dd class="hash" title=${e.original.sha256}>${e.original.sha256.slice(0, 16)}…</dd>
      <dt>${t('verified_h')}</dt><dd data-verified=${held ? 'yes' : 'no'}>${held ? t('verified_yes') : t('verified_not_yet')}${e.status === 'excluded' ? ` · ${L(workflow.records.evidence.statuses.excluded)}` : ''}</dd>
    </dl>
    ${held ? html`<button type="button" class="link-ink small" data-original=${e.id} onClick=${() => downloadOriginal(e, toast)}>${t('download_recording')}</button>` : null}
  </li>`;
}

/** The original saved to disk from a short-lived address the server gives (the viewing in
 * the audit log once, as a download): the browser streams the server's attachment to a file,
 * so a gigabyte body-camera recording never passes through the page's memory, as it did
 * when it was fetched whole and handed over as an object URL. */
async function downloadOriginal(e, toast) {
  try {
    const { url } = await authed(`/evidence/${e.id}/play?download=1`, { method: 'POST' });
    const a = document.createElement('a');
    a.href = url;
    a.download = ''; // the server's name (its record's number, the evidence, the tier)
    a.rel = 'noopener';
    document.body.append(a);
    a.click();
    a.remove();
  } catch (err) {
    toast(err instanceof Offline ? t('offline') : err.message);
  }
}

/** The clue's history, oldest first, a page at a time (``more`` fetches the next). A step is
 * named only from the workflow; a step it does not declare is shown as unknown, never as the
 * text a device sent. */
export function Timeline({ clueId, workflow, version }) {
  const [first, error] = useFetched(`/clues/${clueId}/timeline`, [clueId, version]);
  const [later, setLater] = useState([]);
  useEffect(() => setLater([]), [first]);
  if (error) return html`<p class="hint">${t('timeline')}: ${error === 'offline' ? t('offline') : error}</p>`;
  if (!first) return null;
  const last = later.length ? later[later.length - 1] : first;
  const data = { entries: [first, ...later].flatMap((p) => p.entries) };
  const more = () => authed(`/clues/${clueId}/timeline?cursor=${encodeURIComponent(last.cursor)}`).then((p) => setLater([...later, p]));
  const stepLabel = (e) => {
    const spec = workflow.records[e.record_type];
    if (e.step && spec && spec.transitions[e.step]) return L(spec.transitions[e.step].label);
    const kind = spec ? L(spec.label) : e.record_type;
    // The action as the server names it for people (server/audit/actions.py), never its code.
    return `${e.label ? L(e.label) : e.action} ${kind || ''}${e.unknown_step ? ` · ${t('unknown_step')}` : ''}`;
  };
  return html`<section class="box timeline"><h2>${t('timeline')}</h2>
    <div class="scroll"><table class="grid"><thead><tr><th>${t('server_time')}</th><th>${t('who')}</th><th>${t('what')}</th><th>${t('result_col')}</th><th>${t('device_time')}</th></tr></thead>
    <tbody>${data.entries.map(
      (e) => html`<tr data-seq=${e.seq} data-action=${e.action} data-step=${e.step || ''} class=${e.outcome === 'rejected' ? 'late' : ''}>
      <td>${when(e.at)}</td><td>${e.actor_name || ''}</td><td>${stepLabel(e)}</td>
      <td>${e.outcome ? L(workflow.reasons[e.reason]) || t(e.outcome) : ''}</td>
      <td>${e.device_time ? html`${when(e.device_time)}${e.skew_s != null && Math.abs(e.skew_s) > 300 ? html` <span class="chip st-attention" data-skew=${e.skew_s}>${t('clock_off', { h: (e.skew_s / 3600).toFixed(1) })}</span>` : null}` : ''}
        ${e.device_id ? html`<span class="hint"> ${e.device_id.slice(0, 8)}</span>` : null}</td>
    </tr>`,
    )}</tbody></table></div>
    ${last.more ? html`<button type="button" class="secondary" data-more="timeline" onClick=${more}>${t('timeline_more')}</button>` : null}</section>`;
}
