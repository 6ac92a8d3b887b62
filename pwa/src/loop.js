// The sync loop: when a sync runs, one at a time in this tab and under a lock that spans the
// tabs, and when it runs again after a failure (exponential back-off with jitter, at once
// when the network comes back). What a run does is the delegate's: nothing here touches the
// network or IndexedDB, so `node --test` drives it with fake timers (pwa/test/loop.test.js).
// Replicache keeps the same apart (packages/replicache/src/connection-loop.ts).

export const FIRST_DELAY = 2000;
export const MAX_DELAY = 5 * 60 * 1000;

/**
 * delegate: {
 *   run(opts): Promise      one full sync; throws when it did not go through
 *   lock(opts, fn): Promise fn run under the cross-tab lock (or at once where there is none)
 *   online(): boolean       whether the device believes it has a network
 *   classify(err): { error, retry }  the status's error code; whether to try again later
 *   changed(): void         the status changed (screens re-render)
 * }
 * timers: setTimeout, clearTimeout, now, random (the globals unless given).
 */
export class SyncLoop {
  constructor(delegate, timers = {}) {
    this.delegate = delegate;
    this.timers = {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (id) => clearTimeout(id),
      now: () => Date.now(),
      random: () => Math.random(),
      ...timers,
    };
    this.status = { running: false, error: null, progress: {}, failures: 0, next: null };
    this.current = null; // the run in flight, if any
    this.again = null; // something was recorded during a run: run once more after it
    this.timer = null; // the planned retry
  }

  /** One full sync; resolves to true when everything went through. */
  sync(opts = {}) {
    const { delegate: d, status: s, timers } = this;
    if (this.current) {
      this.again = opts;
      return this.current;
    }
    if (!d.online()) {
      // Surely offline: nothing to try. The 'online' event starts the next run.
      s.error = 'offline';
      d.changed();
      return Promise.resolve(false);
    }
    timers.clearTimeout(this.timer);
    this.timer = null;
    s.running = true;
    s.error = null;
    d.changed();
    this.current = (async () => {
      try {
        await d.lock(opts, () => d.run(opts));
        s.failures = 0;
        s.next = null;
        return true;
      } catch (err) {
        const { error, retry } = d.classify(err);
        s.error = error;
        if (retry) this.backOff(opts);
        return false;
      } finally {
        s.running = false;
        this.current = null;
        d.changed();
        const again = this.again;
        this.again = null;
        if (again && s.error === null) timers.setTimeout(() => this.sync(again), 0);
      }
    })();
    return this.current;
  }

  /** The next try after a failure: 2 s, 4 s, 8 s … up to 5 min, each drawn from its upper
   * half, so that phones cut off together do not all come back in the same second. */
  backOff(opts) {
    const s = this.status;
    s.failures += 1;
    const base = Math.min(MAX_DELAY, FIRST_DELAY * 2 ** (s.failures - 1));
    const delay = base / 2 + this.timers.random() * (base / 2);
    s.next = this.timers.now() + delay;
    this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => this.sync(opts), delay);
  }

  /** The network came back, or the person looks at the app again: now, back-off forgotten. */
  kick(opts) {
    this.status.failures = 0;
    return this.sync(opts);
  }

  /** The periodic poll: only when idle and no retry is planned already. */
  tick(opts) {
    if (this.delegate.online() && !this.current && !this.status.next) return this.sync(opts);
    return null;
  }
}
