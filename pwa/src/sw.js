// The service worker: the app shell (precached by Workbox from the build's manifest) opens
// with no network, after a phone restart too. The API is never cached here: the app keeps
// its data in IndexedDB, where an update cannot evict it. A new version waits until the
// person taps "update", so it never interrupts a form being filled.
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { MAP_CODE_CACHE, SEEN_TILES_CACHE, SEEN_TILES_MAX, TILES_CACHE, isTileRequest } from './tilecache.js';

precacheAndRoute(self.__WB_MANIFEST);
// The first install takes the open page at once; an update waits for the person (below).
clientsClaim();
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//] }));

// The map's code is not precached (a phone that never opens a map never downloads it), but
// once fetched it is kept: its names carry their content's hash, so a cached one is right.
registerRoute(
  ({ url }) => url.origin === self.location.origin && /^\/assets\/(leaflet|MarkerCluster|marker-|layers)/.test(url.pathname),
  new CacheFirst({ cacheName: MAP_CODE_CACHE }),
);

// Base map tiles, cache first: the person's area, downloaded on the offline map screen, then
// the tiles last seen (at most SEEN_TILES_MAX, the oldest dropped), then the network.
async function trim(cache) {
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - SEEN_TILES_MAX)).map((k) => cache.delete(k)));
}

registerRoute(isTileRequest, async ({ request, event }) => {
  const kept = (await (await caches.open(TILES_CACHE)).match(request)) || (await (await caches.open(SEEN_TILES_CACHE)).match(request));
  if (kept) return kept;
  const response = await fetch(request);
  // What a map shows is kept (an image); the offline map screen's own downloads are not.
  if (request.destination === 'image' && (response.ok || response.type === 'opaque')) {
    const copy = response.clone();
    event.waitUntil(caches.open(SEEN_TILES_CACHE).then((seen) => seen.put(request, copy).then(() => trim(seen))));
  }
  return response;
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting();
});
