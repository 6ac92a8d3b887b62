// What the service worker and the offline map screen agree on: the caches' names and which
// requests are base map tiles.
export const TILES_CACHE = 'fieldcase-tiles'; // the person's area, downloaded on purpose
export const SEEN_TILES_CACHE = 'fieldcase-tiles-seen'; // the last tiles shown, capped
export const SEEN_TILES_MAX = 400;
export const MAP_CODE_CACHE = 'fieldcase-map-code';

/** This server's tiles, or an image from another origin (a tile service such as Tianditu:
 * the page's policy lets in images from no other). */
export function isTileRequest({ url, request }) {
  if (url.origin === self.location.origin) return /^\/tiles\/\d+\/\d+\/\d+\.png$/.test(url.pathname);
  return request.destination === 'image';
}
