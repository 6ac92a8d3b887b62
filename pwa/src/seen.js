// The badges' state on the phone (issue 24): what he saw in each list when he last opened
// it, kept in IndexedDB per person, and the counts the menu shows after each pull. The
// counting itself is badges.js's (pure, tested with node --test).
import { useEffect, useState } from 'preact/hooks';
import { attention, counts as badgeCounts, opened } from './badges.js';
import { getMeta, setMeta } from './db.js';
import * as box from './outbox.js';

const seenKey = (me) => `badges_seen:${me.id}`;

async function attentionNow(me, workflow) {
  const [clues, cases] = await Promise.all([box.overlaid('clue', workflow, me), box.overlaid('case', workflow, me)]);
  return attention({ clues, cases }, me, workflow);
}

/** The counts for the menu, after each pull (``version``), and the app icon's badge. */
export function useBadges(me, workflow, version) {
  const [n, setN] = useState({ total: 0, tasks: 0, mine: 0, cases: 0 });
  useEffect(() => {
    Promise.all([attentionNow(me, workflow), getMeta(seenKey(me), null)]).then(([now, seen]) => {
      const c = badgeCounts(now, seen);
      setN(c);
      if (navigator.setAppBadge) (c.total ? navigator.setAppBadge(c.total) : navigator.clearAppBadge()).catch(() => {});
    });
  }, [version]);
  return n;
}

/** Opening a list: what it holds now is seen, its badge cleared. */
export function useOpened(list, me, workflow, version) {
  useEffect(() => {
    (async () => {
      const now = await attentionNow(me, workflow);
      const seen = opened(await getMeta(seenKey(me), null), list, now);
      await setMeta(seenKey(me), seen);
      if (navigator.setAppBadge) {
        const { total } = badgeCounts(now, seen);
        (total ? navigator.setAppBadge(total) : navigator.clearAppBadge()).catch(() => {});
      }
    })();
  }, [version]);
}
