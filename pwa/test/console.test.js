// The console's pure parts (src/console/): the calendar's day list, the officers a step offers
// in order, distances as shown, and the inbox's rows.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { assignees, days, km, same, title } from '../src/console/common.js';
import { inboxRows } from '../src/console/inbox.js';

test("a State Council notice's days: single days and ranges spelled out, anything else kept for the server to name", () => {
  assert.deepEqual(days('2027-01-01, 2027-10-01~2027-10-03'), ['2027-01-01', '2027-10-01', '2027-10-02', '2027-10-03']);
  assert.deepEqual(days('2027-02-16～2027-02-17、2027-09-28'), ['2027-02-16', '2027-02-17', '2027-09-28']);
  assert.deepEqual(days('2027-10-03~2027-10-01'), ['2027-10-03~2027-10-01']); // backwards: the server says why
  assert.deepEqual(days('2027-12-31~2028-01-01'), ['2027-12-31', '2028-01-01']);
  assert.deepEqual(days('  '), []);
});

test('officers are offered with the fewest open tasks first, then the nearest, then by name', () => {
  const people = [
    { id: 1, display_name: '王五', roles: ['officer'] },
    { id: 2, display_name: '李四', roles: ['officer'] },
    { id: 3, display_name: '张三', roles: ['officer'] },
    { id: 4, display_name: '赵六', roles: ['grid_worker'] },
    { id: 5, display_name: '钱七', roles: ['officer'], active: false },
  ];
  const target = { id: 'c0', location: { lat: 30, lng: 120 } };
  const clues = [
    { id: 'a', status: 'assigned', assignee_id: 1, location: { lat: 30.001, lng: 120 }, created_at: '2026-12-01' },
    { id: 'b', status: 'closed', assignee_id: 2, location: { lat: 30.1, lng: 120 }, created_at: '2026-12-01' },
    { id: 'c', status: 'closed', assignee_id: 3, location: { lat: 30.01, lng: 120 }, created_at: '2026-12-01' },
  ];
  const got = assignees(people, clues, target, ['assigned']);
  assert.deepEqual(
    got.map((a) => a.person.id),
    [3, 2, 1],
  ); // 3 and 2 have none open; 3 is nearer
  assert.equal(got[2].open, 1);
  assert.ok(Math.abs(got[0].distance - 1112) < 5, got[0].distance);
});

test('a distance reads in metres below a kilometre, in kilometres above', () => {
  assert.equal(km(null), '');
  assert.equal(km(349.6), '350 m');
  assert.equal(km(1234), '1.2 km');
});

test('two places are the same by their coordinates alone; other values by what they hold', () => {
  assert.ok(same({ lat: 1, lng: 2, accuracy_m: 5 }, { lat: 1, lng: 2, accuracy_m: 50 }));
  assert.ok(!same({ lat: 1, lng: 2 }, { lat: 1, lng: 3 }));
  assert.ok(same(null, undefined));
  assert.ok(!same('a', 'b'));
});

test('the inbox lists what offers this person a step, by type and status, and nothing of a type the cached workflow lacks', () => {
  const { workflow } = JSON.parse(readFileSync(new URL('./vectors.json', import.meta.url), 'utf8'));
  const township = '/330802/330802101/';
  const dispatcher = { id: 1, roles: ['dispatcher'], department: null, unit: { path: township } };
  const reported = { id: 'x', status: 'reported', unit_path: `${township}330802101201/330802101201001/`, reporter_id: 11 };
  const foreign = { ...reported, id: 'y', unit_path: '/330802/330802102/330802102201/' };
  const rows = inboxRows(workflow, dispatcher, { clue: [reported, foreign] });
  assert.deepEqual(
    rows.map((r) => [r.rec.id, r.bucket]),
    [['x', 'clue:reported']],
  );
  assert.ok(rows[0].steps.length > 0);
  assert.deepEqual(inboxRows({ records: {} }, dispatcher, { clue: [reported] }), []);
});

test('a sync conflict in the inbox is named by its field and its record type, never their codes', () => {
  const { workflow } = JSON.parse(readFileSync(new URL('./vectors.json', import.meta.url), 'utf8'));
  const label = title('conflict', { field: 'address', record_type: 'clue' }, [], [], null, workflow);
  assert.ok(label.endsWith(' · 线索'), label);
  assert.ok(!/clue|address/.test(label), label);
});
