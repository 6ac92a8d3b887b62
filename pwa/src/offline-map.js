// 离线地图 (issue 24): the base map of the person's area (a grid worker's grid, an officer's
// township; the server names its box in the settings) kept on the phone for where there is no
// signal. It says how many tiles and about how large before it starts, keeps within the
// server's limit (lowering the deepest zoom, or refusing), downloads on Wi-Fi unless told
// otherwise, can be stopped and taken up again, and deleted. The service worker serves the
// tiles from the cache first (sw.js).
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from './i18n.js';
import { MapView, load as loadMapCode } from './map.js';
import { TILES_CACHE } from './tilecache.js';
import { formatBytes, metered, plan, tileUrl, tilesOf, tileRanges } from './tilemath.js';
import { html } from './ui.js';
import { useApp } from './app.js';

const MIN_ZOOM = 10; // the overview a grid sits in; shallower zooms are a tile or two anyway
const AT_ONCE = 4;

function sameOrigin(url) {
  return new URL(url, window.location.href).origin === window.location.origin;
}

/** What the cache holds now: how many tiles and their bytes (an opaque tile from a tile
 * service does not say its size: the estimate counts for it). */
async function kept(tileBytes) {
  if (!('caches' in window)) return { count: 0, bytes: 0, urls: new Set() };
  const cache = await caches.open(TILES_CACHE);
  const keys = await cache.keys();
  let bytes = 0;
  for (const key of keys) {
    const response = await cache.match(key);
    const length = response && Number(response.headers.get('Content-Length'));
    bytes += length || (response && response.type !== 'opaque' ? (await response.clone().blob()).size : tileBytes);
  }
  return { count: keys.length, bytes, urls: new Set(keys.map((k) => k.url)) };
}

export function OfflineMap() {
  const { settings } = useApp();
  const map = settings && settings.map;
  const offline = (map && map.offline) || {};
  const tileBytes = offline.tile_bytes || 20000;
  const limitBytes = (offline.limit_mb || 50) * 1024 * 1024;
  const [stored, setStored] = useState(null);
  const [running, setRunning] = useState(null); // { done, total }
  const [message, setMessage] = useState(null);
  const [mobileOk, setMobileOk] = useState(false);
  const stop = useRef(false);
  const alive = useRef(true);

  const refresh = () => kept(tileBytes).then((k) => alive.current && setStored(k));
  useEffect(() => {
    alive.current = true;
    refresh();
    return () => {
      alive.current = false;
      stop.current = true; // leaving the screen stops the download; it resumes from where it was
    };
  }, []);

  if (!map || !map.url)
    return html`<main class="offline-map"><h1>${t('offline_map')}</h1><p class="hint" data-offline-map="no-tiles">${t('offline_map_no_tiles')}</p></main>`;
  if (!map.area)
    return html`<main class="offline-map"><h1>${t('offline_map')}</h1><p class="hint" data-offline-map="no-area">${t('offline_map_no_area')}</p></main>`;

  const decided = plan({ bbox: map.area.bbox, minZoom: MIN_ZOOM, maxZoom: offline.max_zoom || 17, tileBytes, limitBytes });
  const onMobile = metered(navigator.connection);
  const complete = stored && decided.count > 0 && stored.count >= decided.count;

  async function download() {
    if (running) return;
    setMessage(null);
    stop.current = false;
    const cache = await caches.open(TILES_CACHE);
    const have = (await kept(tileBytes)).urls;
    const urls = [...tilesOf(tileRanges(map.area.bbox, MIN_ZOOM, decided.maxZoom))].map(
      (tile) => new URL(tileUrl(map.url, tile, map.subdomains), window.location.href).href,
    );
    const total = urls.length;
    let done = 0;
    let bytes = (await kept(tileBytes)).bytes;
    let failed = 0;
    const todo = urls.filter((u) => !have.has(u));
    done = total - todo.length;
    setRunning({ done, total });
    loadMapCode().catch(() => null); // the map's code too, or the tiles have no map to go on
    let full = false;
    async function worker() {
      while (todo.length && !stop.current && !full) {
        const url = todo.shift();
        try {
          const response = await fetch(url, sameOrigin(url) ? {} : { mode: 'no-cors' });
          if (response.ok || response.type === 'opaque') {
            const size = Number(response.headers.get('Content-Length')) || tileBytes;
            if (bytes + size > limitBytes) {
              full = true;
              break;
            }
            await cache.put(url, response);
            bytes += size;
          } else if (response.status !== 404) failed += 1; // a tile the source lacks is no failure
        } catch {
          failed += 1;
        }
        done += 1;
        if (alive.current) setRunning({ done, total });
      }
    }
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
    if (!alive.current) return;
    setRunning(null);
    if (full) setMessage({ kind: 'warn', text: t('offline_map_full') });
    else if (stop.current) setMessage({ kind: 'hint', text: t('offline_map_stopped') });
    else if (failed) setMessage({ kind: 'warn', text: t('offline_map_failed', { n: failed }) });
    else setMessage({ kind: 'ok', text: t('offline_map_done') });
    refresh();
  }

  async function remove() {
    stop.current = true;
    await caches.delete(TILES_CACHE);
    setMessage({ kind: 'hint', text: t('offline_map_deleted') });
    refresh();
  }

  const blocked = onMobile && !mobileOk;
  const partial = stored && stored.count > 0 && !complete;
  return html`<main class="offline-map" data-offline-map=${decided.verdict}>
    <h1>${t('offline_map')}</h1>
    <p class="hint">${t('offline_map_hint')}</p>
    <${MapView} points=${[]} tiles=${map} height=${220} />
    <dl class="facts">
      <dt>${t('offline_map_area')}</dt><dd data-area=${map.area.code}>${map.area.name || map.area.code}</dd>
      <dt>${t('offline_map_plan')}</dt>
      <dd data-plan-count=${decided.count} data-plan-bytes=${decided.bytes}>${
        decided.verdict === 'refused'
          ? t('offline_map_refused_short')
          : t('offline_map_plan_text', { n: decided.count, size: formatBytes(decided.bytes), z: decided.maxZoom })
      }</dd>
      <dt>${t('offline_map_limit')}</dt><dd>${formatBytes(limitBytes)}</dd>
      <dt>${t('offline_map_used')}</dt>
      <dd data-used-count=${stored ? stored.count : ''} data-used-bytes=${stored ? stored.bytes : ''}>${stored ? t('offline_map_used_text', { n: stored.count, size: formatBytes(stored.bytes) }) : '…'}</dd>
    </dl>
    ${decided.verdict === 'lowered' ? html`<p class="warn" data-limit="lowered">${t('offline_map_lowered', { z: decided.maxZoom, want: decided.wanted.maxZoom, size: formatBytes(decided.wanted.bytes), limit: formatBytes(limitBytes) })}</p>` : null}
    ${decided.verdict === 'refused' ? html`<p class="warn" role="alert" data-limit="refused">${t('offline_map_refused', { size: formatBytes(decided.wanted.bytes), limit: formatBytes(limitBytes) })}</p>` : null}
    ${blocked && decided.verdict !== 'refused' ? html`<p class="warn" data-metered="yes">${t('offline_map_metered')}</p>` : null}
    ${
      running
        ? html`<div class="offline-progress" role="status" data-progress=${running.done} data-total=${running.total}>
        <progress max=${running.total} value=${running.done}></progress>
        <span>${t('offline_map_progress', { done: running.done, total: running.total })}</span></div>`
        : null
    }
    ${message ? html`<p class=${message.kind} role="status" data-offline-message=${message.kind}>${message.text}</p>` : null}
    <div class="actions stack">
      ${
        running
          ? html`<button type="button" class="secondary big" data-action="cancel-tiles" onClick=${() => {
              stop.current = true;
            }}>${t('offline_map_cancel')}</button>`
          : null
      }
      ${!running && decided.verdict !== 'refused' && !complete && !blocked ? html`<button type="button" class="primary big" data-action="download-tiles" onClick=${download}>${partial ? t('offline_map_resume') : t('offline_map_download')}</button>` : null}
      ${!running && decided.verdict !== 'refused' && !complete && blocked ? html`<button type="button" class="secondary big" data-action="use-mobile-data" onClick=${() => setMobileOk(true)}>${t('offline_map_use_mobile')}</button>` : null}
      ${!running && stored && stored.count > 0 ? html`<button type="button" class="secondary big danger" data-action="delete-tiles" onClick=${remove}>${t('offline_map_delete')}</button>` : null}
    </div>
  </main>`;
}
