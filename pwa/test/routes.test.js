// The route table (src/routes.js): which screen a hash opens, for a phone and for a desk.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROUTES, screenFor } from '../src/routes.js';

test('a phone opens its own screens, with the record id the hash names', () => {
  assert.deepEqual(screenFor('#/case/42'), { from: 'field', name: 'CaseDetail', id: '42' });
  assert.deepEqual(screenFor('#/report'), { from: 'field', name: 'Report', id: undefined });
  assert.deepEqual(screenFor('#/visits'), { from: 'visits', name: 'MyVisits', id: undefined });
});

test('a desk opens the console screen of a route that has one, the phone screen of one that has not', () => {
  const desk = { desk: true };
  assert.deepEqual(screenFor('#/case/42', desk), { from: 'console', name: 'ConsoleCase', id: '42' });
  assert.deepEqual(screenFor('#/clue/7', desk), { from: 'console', name: 'ConsoleClue', id: '7' });
  assert.equal(screenFor('#/cases', desk).name, 'Cases');
  assert.equal(screenFor('#/outbox', desk).name, 'Outbox');
});

test('a desk route on a phone, an unknown route or none opens the start page', () => {
  for (const hash of ['', '#', '#/', '#/map', '#/dashboard', '#/nothing', '#/constructor', '#/__proto__']) {
    assert.deepEqual(screenFor(hash), { from: 'field', name: 'Home', id: undefined }, hash);
  }
  // A desk-only person (no field role) starts on the inbox.
  assert.deepEqual(screenFor('#/', { desk: true, deskOnly: true }), { from: 'console', name: 'Inbox', id: undefined });
  assert.deepEqual(screenFor('#/nothing', { desk: true, deskOnly: true }).name, 'Inbox');
});

test('every route names a screen for a phone, a desk or an inspector', () => {
  for (const [route, r] of Object.entries(ROUTES)) {
    assert.ok(r.field || r.desk || r.visits, route);
  }
});

test("the administrator's signing-key screen is a desk's", () => {
  assert.deepEqual(screenFor('#/accounts', { desk: true }), { from: 'console', name: 'Accounts', id: undefined });
  assert.equal(screenFor('#/accounts').name, 'Home');
});
