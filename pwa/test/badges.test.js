// The menu's badges: what is new for this person since he last opened each list.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attention, counts, opened } from '../src/badges.js';

const officer = { id: 7, roles: ['officer'] };
const grid = { id: 3, roles: ['grid_worker'] };
const workflow = {
  records: {
    case: {
      closed: ['closed'],
      awaits: { proposed: [{ when: {}, step: 'approve_opening' }], investigating: [{ when: {}, step: 'notify' }] },
      transitions: { approve_opening: { who: ['leader'] }, notify: { who: ['officer'] } },
      addressed: 'transferred_to',
    },
  },
};

test('a task assigned to him counts until he opens his tasks, and again when it comes back', () => {
  const clues = [
    { id: 'a', status: 'assigned', assignee_id: 7 },
    { id: 'b', status: 'assigned', assignee_id: 8 },
  ];
  let now = attention({ clues }, officer, workflow);
  assert.deepEqual(counts(now, null), { total: 1, tasks: 1, mine: 0, cases: 0 });
  let seen = opened(null, 'tasks', now);
  assert.equal(counts(now, seen).total, 0);
  // He takes it, handles it; the command room sends the report back: new again.
  now = attention({ clues: [{ id: 'a', status: 'in_progress', taken_by: 7, return_comment: '补拍现场照片' }] }, officer, workflow);
  assert.equal(counts(now, seen).tasks, 1);
  seen = opened(seen, 'tasks', now);
  assert.equal(counts(now, seen).tasks, 0);
});

test('a team task counts for an officer, not for a grid worker', () => {
  const clues = [{ id: 'a', status: 'assigned', assignee_id: null }];
  assert.equal(counts(attention({ clues }, officer, workflow), {}).tasks, 1);
  assert.equal(counts(attention({ clues }, grid, workflow), {}).tasks, 0);
});

test('his report answered counts in his reports, once per answer', () => {
  const reported = [{ id: 'r', status: 'reported', reporter_id: 3 }];
  assert.equal(counts(attention({ clues: reported }, grid, workflow), {}).mine, 0);
  const accepted = attention(
    { clues: [{ id: 'r', status: 'accepted', reporter_id: 3, responded_at: '2026-12-06T01:00:00Z' }] },
    grid,
    workflow,
  );
  assert.equal(counts(accepted, {}).mine, 1);
  const seen = opened({}, 'mine', accepted);
  assert.equal(counts(accepted, seen).mine, 0);
  const closed = attention(
    { clues: [{ id: 'r', status: 'closed', reporter_id: 3, responded_at: '2026-12-06T01:00:00Z' }] },
    grid,
    workflow,
  );
  assert.equal(counts(closed, seen).mine, 1);
  // Another person's report is none of his.
  assert.equal(
    counts(attention({ clues: [{ id: 'x', status: 'closed', reporter_id: 4, responded_at: 'x' }] }, grid, workflow), {}).mine,
    0,
  );
});

test('a case awaiting his step counts; one awaiting the leader does not', () => {
  const cases = [
    { id: 'c1', status: 'investigating', unit_path: '/1/2/' },
    { id: 'c2', status: 'proposed', unit_path: '/1/2/' },
    { id: 'c3', status: 'closed', unit_path: '/1/2/' },
  ];
  const me = { ...officer, unit: { path: '/1/2/' } }; // an officer of the case's township
  assert.deepEqual(counts(attention({ cases }, me, workflow), {}), { total: 1, tasks: 0, mine: 0, cases: 1 });
});

test('his own unsent change is not news to him, and opening one list leaves the others', () => {
  const clues = [
    { id: 'a', status: 'assigned', assignee_id: 7, local: 'waiting' },
    { id: 'b', status: 'assigned', assignee_id: 7 },
  ];
  const now = attention({ clues }, officer, workflow);
  assert.equal(counts(now, {}).tasks, 1);
  assert.deepEqual(opened({ mine: { r: 'closed' } }, 'tasks', now), { mine: { r: 'closed' }, tasks: { b: 'assigned:7' } });
});
