// The arithmetic of offline tiles (issue 24), pure so that `node --test` holds it: which
// tiles cover an area at each zoom, how many and how large, whether they fit the limit, and
// whether the network is one to download them on.

/** Web Mercator tile column and row of a point at zoom z (the slippy-map scheme Leaflet uses). */
export function tileOf(lng, lat, z) {
  const n = 2 ** z;
  const r = (Math.max(-85.05112878, Math.min(85.05112878, lat)) * Math.PI) / 180;
  const x = Math.floor(((lng + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { x: Math.min(n - 1, Math.max(0, x)), y: Math.min(n - 1, Math.max(0, y)) };
}

/** bbox [west, south, east, north] → [{ z, x0, y0, x1, y1, count }] for zooms minZoom..maxZoom. */
export function tileRanges(bbox, minZoom, maxZoom) {
  const [w, s, e, n] = bbox;
  const out = [];
  for (let z = minZoom; z <= maxZoom; z += 1) {
    const a = tileOf(w, n, z);
    const b = tileOf(e, s, z);
    out.push({ z, x0: a.x, y0: a.y, x1: b.x, y1: b.y, count: (b.x - a.x + 1) * (b.y - a.y + 1) });
  }
  return out;
}

export function tileCount(ranges) {
  return ranges.reduce((sum, r) => sum + r.count, 0);
}

/** Every tile of the ranges, shallow zooms first (a cancelled download still has the overview). */
export function* tilesOf(ranges) {
  for (const r of ranges) {
    for (let x = r.x0; x <= r.x1; x += 1) {
      for (let y = r.y0; y <= r.y1; y += 1) yield { z: r.z, x, y };
    }
  }
}

/** A tile's URL from a Leaflet-style template ({s} takes the first subdomain). */
export function tileUrl(template, { z, x, y }, subdomains = 'abc') {
  return template
    .replace('{s}', subdomains[0] || '')
    .replace('{z}', z)
    .replace('{x}', x)
    .replace('{y}', y);
}

/**
 * What to cache of bbox within limitBytes: the whole plan up to maxZoom when it fits, else the
 * deepest zoom (not below floorZoom, where an area is still worth having) that fits, else nothing.
 * → { verdict: 'fits' | 'lowered' | 'refused', maxZoom, count, bytes, wanted: { maxZoom, count, bytes } }
 */
export function plan({ bbox, minZoom, maxZoom, tileBytes, limitBytes, floorZoom = Math.min(maxZoom, 14) }) {
  const costOf = (top) => {
    const count = tileCount(tileRanges(bbox, minZoom, top));
    return { maxZoom: top, count, bytes: count * tileBytes };
  };
  const wanted = costOf(maxZoom);
  if (wanted.bytes <= limitBytes) return { verdict: 'fits', ...wanted, wanted };
  for (let top = maxZoom - 1; top >= floorZoom; top -= 1) {
    const lower = costOf(top);
    if (lower.bytes <= limitBytes) return { verdict: 'lowered', ...lower, wanted };
  }
  return { verdict: 'refused', maxZoom: null, count: 0, bytes: 0, wanted };
}

/** Whether the connection is one not to download on unasked: mobile data, or the person asked
 * to save data. Unknown (no Network Information API, as on iPhones): not metered. */
export function metered(connection) {
  if (!connection) return false;
  if (connection.saveData) return true;
  return connection.type === 'cellular' || connection.type === 'wimax';
}

/** Bytes as people read them: 0.8 MB, 12 MB, 640 KB. */
export function formatBytes(bytes) {
  if (!bytes) return '0 KB';
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}
