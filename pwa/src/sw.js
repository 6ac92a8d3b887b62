// The service worker: the app shell (precached by Workbox from the build's manifest) opens
// with no network, after a phone restart too. The API is never cached here: the app keeps
// its data in IndexedDB, where an update cannot evict it. A new version waits until the
// person taps "update", so it never interrupts a form being filled.
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

precacheAndRoute(self.__WB_MANIFEST);
// The first install takes the open page at once; an update waits for the person (below).
clientsClaim();
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//] }));

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting();
});
