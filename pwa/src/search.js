// Searching and ordering what is on the phone: pure functions, no I/O, so they work offline
// over the records in IndexedDB and are tested under node (test/search.test.js).

/** Text as compared: full-width letters and digits as half-width (NFKC: what a Chinese input
 * method types in full-width mode), lower case, without any space. */
export function fold(text) {
  return String(text ?? '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/gu, '');
}

/** The words of what was typed: each one must be found. Spaces only separate words. */
export function terms(query) {
  return String(query ?? '')
    .normalize('NFKC')
    .toLowerCase()
    .split(/\s+/u)
    .filter(Boolean);
}

/** Whether every word of ``query`` appears in one of ``texts`` (an empty query matches all).
 * Spaces in the texts do not count: 大柘 村口 finds 大柘村口, and 大柘村口 finds 大柘 村口. */
export function matches(texts, query) {
  const words = terms(query);
  if (!words.length) return true;
  const folded = texts.filter((x) => x != null && x !== '').map(fold);
  return words.every((w) => folded.some((x) => x.includes(w)));
}

/** The records whose texts (``textsOf(record)``, a list of strings) match ``query``, in order. */
export function search(records, query, textsOf) {
  if (!terms(query).length) return records;
  return records.filter((r) => matches(textsOf(r), query));
}

// WGS84's mean radius (IUGG R1 = (2a + b) / 3): the haversine on the sphere closest to the
// ellipsoid the phone's fixes are given in; within 0.5 % of the geodesic anywhere.
const EARTH_RADIUS_M = 6371008.8;

/** The great-circle distance in metres between two WGS84 points ``{lat, lng}`` (haversine). */
export function haversine(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A distance as a person reads it: ['m', 350] under a kilometre (to 10 m past 100 m: a
 * phone's fix is no better), ['km', '1.2'] under 10 km, ['km', '23'] beyond. */
export function distanceParts(m) {
  if (m < 100) return ['m', Math.round(m)];
  const tens = Math.round(m / 10) * 10;
  if (tens < 1000) return ['m', tens];
  return m < 9950 ? ['km', (m / 1000).toFixed(1)] : ['km', String(Math.round(m / 1000))];
}

/** ``records`` nearest first from ``here``, each with its distance (``{record, metres}``);
 * those with no place (``placeOf`` gives null) last, in the order they came. */
export function byDistance(records, here, placeOf) {
  const measured = records.map((record, i) => {
    const p = placeOf(record);
    const ok = p && Number.isFinite(p.lat) && Number.isFinite(p.lng);
    return { record, metres: ok ? haversine(here, p) : null, i };
  });
  measured.sort((a, b) => (a.metres ?? Infinity) - (b.metres ?? Infinity) || a.i - b.i);
  return measured.map(({ record, metres }) => ({ record, metres }));
}
