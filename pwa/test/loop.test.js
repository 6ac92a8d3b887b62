// The sync loop alone (src/loop.js): one run at a time, under the lock, again after a run
// when asked meanwhile, and back-off with jitter after failures. Timers are fakes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate } from 'node:timers';
import { FIRST_DELAY, MAX_DELAY, SyncLoop } from '../src/loop.js';

function fakeTimers() {
  let now = 0;
  let next = 1;
  const due = new Map();
  return {
    now: () => now,
    random: () => 1, // the top of each band
    setTimeout: (fn, ms) => {
      due.set(next, { at: now + ms, fn });
      return next++;
    },
    clearTimeout: (id) => due.delete(id),
    pending: () => [...due.values()].map((t) => t.at - now).sort((a, b) => a - b),
    /** Move the clock on, running what falls due (and letting promises settle). */
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        const [id, t] = [...due.entries()].sort((a, b) => a[1].at - b[1].at)[0] || [];
        if (!t || t.at > until) break;
        now = t.at;
        due.delete(id);
        t.fn();
        await settle();
      }
      now = until;
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function delegate(overrides = {}) {
  const d = {
    runs: [],
    locked: [],
    online: () => true,
    changed: () => {},
    classify: (err) => ({ error: err.code || 'error', retry: err.code !== 'logged_out' }),
    lock: (opts, fn) => {
      d.locked.push(opts);
      return fn();
    },
    run: async (opts) => {
      d.runs.push(opts);
      if (d.fail) throw d.fail;
    },
    ...overrides,
  };
  return d;
}

test('a run goes under the lock, one at a time, and once more if asked meanwhile', async () => {
  const timers = fakeTimers();
  let release;
  const d = delegate({
    run: (opts) => {
      d.runs.push(opts);
      return new Promise((r) => {
        release = r;
      });
    },
  });
  const loop = new SyncLoop(d, timers);
  const first = loop.sync({ userId: 7 });
  assert.equal(loop.status.running, true);
  const second = loop.sync({ userId: 7, all: true });
  assert.equal(second, first); // the same run: no second push of the same outbox
  await settle();
  assert.equal(d.runs.length, 1);
  assert.deepEqual(d.locked, [{ userId: 7 }]);
  release();
  assert.equal(await first, true);
  assert.equal(loop.status.running, false);
  await timers.advance(0);
  assert.deepEqual(d.runs.at(-1), { userId: 7, all: true }); // the one asked for meanwhile
  release();
  await settle();
});

test('failures back off 2 s, 4 s, 8 s … up to 5 min; a success forgets them', async () => {
  const timers = fakeTimers();
  const d = delegate();
  d.fail = Object.assign(new Error('no network'), { code: 'offline' });
  const loop = new SyncLoop(d, timers);
  assert.equal(await loop.sync({ userId: 7 }), false);
  assert.equal(loop.status.error, 'offline');
  const waits = [];
  for (let i = 0; i < 10; i += 1) {
    const [wait] = timers.pending();
    waits.push(wait);
    assert.equal(loop.status.next, timers.now() + wait);
    await timers.advance(wait);
  }
  assert.deepEqual(waits.slice(0, 4), [FIRST_DELAY, 2 * FIRST_DELAY, 4 * FIRST_DELAY, 8 * FIRST_DELAY]);
  assert.equal(Math.max(...waits), MAX_DELAY);
  assert.equal(d.runs.length, 11);
  d.fail = null;
  const [wait] = timers.pending();
  await timers.advance(wait);
  assert.deepEqual([loop.status.failures, loop.status.next, loop.status.error], [0, null, null]);
  assert.deepEqual(timers.pending(), []);
});

test('jitter draws each wait from the upper half of its band', async () => {
  const timers = { ...fakeTimers(), random: () => 0 };
  const d = delegate();
  d.fail = Object.assign(new Error('x'), { code: 'offline' });
  const loop = new SyncLoop(d, timers);
  await loop.sync({});
  assert.equal(loop.status.next - timers.now(), FIRST_DELAY / 2);
});

test('logged out: no retry; offline: no run at all; the network back: at once', async () => {
  const timers = fakeTimers();
  const d = delegate();
  d.fail = Object.assign(new Error('x'), { code: 'logged_out' });
  const loop = new SyncLoop(d, timers);
  await loop.sync({});
  assert.deepEqual([loop.status.error, timers.pending()], ['logged_out', []]);

  d.fail = Object.assign(new Error('x'), { code: 'offline' });
  await loop.sync({});
  await loop.sync({}); // while a retry is planned, a second failure doubles it
  assert.equal(loop.status.failures, 2);
  let online = false;
  d.online = () => online;
  const runs = d.runs.length;
  assert.equal(await loop.sync({}), false);
  assert.equal(d.runs.length, runs);
  assert.equal(loop.tick({}), null); // the poll waits for the network too
  online = true;
  d.fail = null;
  assert.equal(await loop.kick({}), true); // back in range: now, not at the planned retry
  assert.deepEqual([loop.status.failures, timers.pending()], [0, []]);
});
