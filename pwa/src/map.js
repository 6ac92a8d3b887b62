// Maps: Leaflet, loaded only when a map is shown (the service worker keeps it once fetched,
// and the offline map screen fetches it with the tiles).
// The base map's tile URL is the server's setting (Tianditu in production, CGCS2000 ≈ WGS84,
// so points are drawn as recorded, unshifted). With no tiles configured, or offline, the map
// is a plain grid and the points still stand where they are. With no tile service set, the
// server serves its own package's tiles (/tiles/…, the demo county's base map).
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from './i18n.js';
import { html } from './ui.js';

let leaflet = null;

/** The map's code (Leaflet), fetched now: offline maps need it cached as much as their tiles. */
export async function load() {
  if (!leaflet) {
    leaflet = (async () => {
      const L = (await import('leaflet')).default;
      await import('leaflet/dist/leaflet.css');
      window.L = L; // the cluster plugin extends the global Leaflet
      await import('leaflet.markercluster');
      await import('leaflet.markercluster/dist/MarkerCluster.css');
      await import('leaflet.markercluster/dist/MarkerCluster.Default.css');
      return L;
    })();
  }
  return leaflet;
}

// A point's kind is its colour, in the stylesheet (the CSP allows no inline style markup).
const COLOURS = { late: '#a50e0e', new: '#6b4700', open: '#0a4f8f', done: '#0b6b2f', other: '#5a3a7a' };
// A cluster takes the colour of its most urgent point: a late clue is never hidden in a
// bubble that only says how many.
export const KINDS = ['late', 'new', 'open', 'done'];

function dot(L, kind) {
  return L.divIcon({ className: `map-dot map-dot-${kind in COLOURS ? kind : 'open'}`, iconSize: [18, 18] });
}

function clusterIcon(L, cluster) {
  const kinds = cluster.getAllChildMarkers().map((m) => m.options.kind);
  const kind = KINDS.find((k) => kinds.includes(k)) || 'open';
  const n = cluster.getChildCount();
  return L.divIcon({ html: `<span>${n}</span>`, className: `map-cluster map-dot-${kind}`, iconSize: [36, 36] });
}

/** What each colour means, with how many points of each are shown. */
export function Legend({ points, label }) {
  const count = (k) => points.filter((p) => (p.kind || 'open') === k).length;
  return html`<ul class="map-legend" aria-label=${label('legend')}>
    ${KINDS.map((k) => html`<li data-legend=${k}><span class=${`map-dot map-dot-${k}`} aria-hidden="true"></span>${label(`map_${k}`)} <span class="n">${count(k)}</span></li>`)}
  </ul>`;
}

/**
 * points: [{ id, lat, lng, accuracy_m?, label, kind? (late/new/open/done/other) }]. One point with an
 * accuracy draws its circle; many are clustered.
 */
export function MapView({ points, tiles, height = 320, cluster = false, onPick, onMapClick }) {
  const box = useRef(null);
  const clicked = useRef(onMapClick); // the newest handler, whatever render made the map
  clicked.current = onMapClick;
  const state = useRef(null);
  const [unloaded, setUnloaded] = useState(false);
  useEffect(() => {
    let alive = true;
    load()
      .catch(() => {
        // Offline, the map's code (not precached on phones) cannot come: say so, try next time.
        leaflet = null;
        if (alive) setUnloaded(true);
        return null;
      })
      .then(
        (L) => {
          if (!L || !alive || !box.current) return;
          // The zoom limit is the map's own: with no tile layer to lend one, clustering needs it.
          const maxZoom = (tiles && tiles.max_zoom) || 18;
          // No zoom animation: its end runs on a timer that can fire after the map was removed
          // (the screen changed mid-zoom), and the canvas renderer then draws on nothing.
          const map = L.map(box.current, { preferCanvas: true, maxZoom, zoomAnimation: false, attributionControl: !!(tiles && tiles.url) });
          if (tiles && tiles.url) {
            // Beyond the source's deepest tiles (the built-in package's), those are drawn larger.
            const native = tiles.native_zoom ? { maxNativeZoom: tiles.native_zoom } : {};
            L.tileLayer(tiles.url, {
              subdomains: tiles.subdomains || 'abc',
              maxZoom,
              ...native,
              attribution: tiles.attribution || '',
            }).addTo(map);
          }
          if (onMapClick) map.on('click', (e) => clicked.current && clicked.current({ lat: e.latlng.lat, lng: e.latlng.lng }));
          const layer = cluster
            ? L.markerClusterGroup({ showCoverageOnHover: false, iconCreateFunction: (c) => clusterIcon(L, c) })
            : L.layerGroup();
          layer.addTo(map);
          state.current = { L, map, layer };
          draw();
        },
        () => {},
      );
    return () => {
      alive = false;
      if (state.current) state.current.map.remove();
      state.current = null;
    };
  }, [tiles && tiles.url, cluster]);

  function draw() {
    const s = state.current;
    if (!s) return;
    const { L, map, layer } = s;
    layer.clearLayers();
    const placed = points.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lng));
    for (const p of placed) {
      const marker = L.marker([p.lat, p.lng], {
        icon: dot(L, p.kind),
        kind: p.kind || 'open',
        keyboard: true,
        title: p.label || '',
        alt: p.label || '',
      });
      if (onPick) marker.on('click', () => onPick(p));
      layer.addLayer(marker);
      if (p.accuracy_m && !cluster) {
        layer.addLayer(
          L.circle([p.lat, p.lng], { radius: p.accuracy_m, color: COLOURS[p.kind] || COLOURS.open, weight: 1, fillOpacity: 0.12 }),
        );
      }
    }
    // No pan animation either: its frames can outlive the map when the screen changes, and
    // the canvas renderer then clears a canvas it no longer has.
    const still = { animate: false };
    if (placed.length === 1) map.setView([placed[0].lat, placed[0].lng], 16, still);
    else if (placed.length) map.fitBounds(L.latLngBounds(placed.map((p) => [p.lat, p.lng])), { padding: [24, 24], maxZoom: 17, ...still });
    else if (tiles && tiles.area) {
      // Nothing to show yet: the person's own grid or township.
      const [w, so, e, n] = tiles.area.bbox;
      map.fitBounds(L.latLngBounds([so, w], [n, e]), still);
    } else map.setView([28.6, 119.3], 10, still);
  }

  // Drawn again only when the points change, not on every render of the page around it.
  const placedKey = points.map((p) => `${p.id}:${p.lat}:${p.lng}:${p.kind || ''}:${p.accuracy_m || ''}`).join('|');
  useEffect(draw, [placedKey]);
  if (unloaded) return html`<p class="hint" data-map-offline>${t('map_offline')}</p>`;
  return html`<div class="map" ref=${box} style=${`height:${height}px`} data-map-points=${points.length} role="region" aria-label="map"></div>`;
}
