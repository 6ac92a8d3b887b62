// Searching the records on the phone and ordering tasks by distance (src/search.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byDistance, distanceParts, fold, haversine, matches, search, terms } from '../src/search.js';

test('text is folded to half-width lower case without spaces', () => {
  assert.equal(fold('ＸＳ－３３１ 大柘 村口'), 'xs-331大柘村口');
  assert.equal(fold(null), '');
  assert.deepEqual(terms('  占道　经营 ＡＢ '), ['占道', '经营', 'ab']); // an ideographic space too
});

test('every word must appear in one of the texts, whatever spaces and widths', () => {
  const texts = ['占道经营', '流动摊贩占道经营', '大柘村 村口', '夜市烧烤', 'XS-331123102-2026-00042', '待处理'];
  assert.ok(matches(texts, ''));
  assert.ok(matches(texts, '   '));
  assert.ok(matches(texts, '烧烤'));
  assert.ok(matches(texts, '大柘村村口')); // the stored text has a space, the typed one not
  assert.ok(matches(texts, '大柘 烧烤')); // two words in two texts
  assert.ok(matches(texts, 'ｘｓ－３３１'));
  assert.ok(matches(texts, '00042'));
  assert.ok(matches(texts, '待处理'));
  assert.ok(!matches(texts, '烧烤 秸秆'));
  assert.ok(!matches(texts, '焚烧'));
  assert.ok(!matches([null, undefined, ''], '焚烧'));
});

test('a word is not found across two texts', () => {
  assert.ok(!matches(['占道', '经营'], '占道经营'));
});

test('search keeps the order of what matches', () => {
  const rows = [{ d: '烧烤 一' }, { d: '秸秆' }, { d: '烧烤二' }];
  assert.deepEqual(
    search(rows, '烧烤', (r) => [r.d]),
    [rows[0], rows[2]],
  );
  assert.equal(
    search(rows, ' ', (r) => [r.d]),
    rows,
  );
});

test('the haversine gives known distances on WGS84', () => {
  const p = { lat: 28.59, lng: 119.27 };
  assert.equal(haversine(p, p), 0);
  // One degree of latitude is 111.195 km on the mean sphere.
  assert.ok(Math.abs(haversine({ lat: 0, lng: 0 }, { lat: 1, lng: 0 }) - 111195) < 1);
  // 遂昌 to 杭州 (about 195 km), symmetric.
  const hz = { lat: 30.2741, lng: 120.1551 };
  const d = haversine(p, hz);
  assert.ok(d > 195000 && d < 215000, d);
  assert.equal(Math.round(d), Math.round(haversine(hz, p)));
  // Antipodes: half the circumference, not NaN from rounding.
  assert.ok(Math.abs(haversine({ lat: 10, lng: 20 }, { lat: -10, lng: -160 }) - Math.PI * 6371008.8) < 1);
});

test('a distance is read in metres under a kilometre, else in kilometres', () => {
  assert.deepEqual(distanceParts(0), ['m', 0]);
  assert.deepEqual(distanceParts(42.4), ['m', 42]);
  assert.deepEqual(distanceParts(347), ['m', 350]);
  assert.deepEqual(distanceParts(994), ['m', 990]);
  assert.deepEqual(distanceParts(996), ['km', '1.0']);
  assert.deepEqual(distanceParts(1234), ['km', '1.2']);
  assert.deepEqual(distanceParts(9949), ['km', '9.9']);
  assert.deepEqual(distanceParts(23456), ['km', '23']);
});

test('tasks nearest first, those with no place last in the order they came', () => {
  const here = { lat: 28.59, lng: 119.27 };
  const far = { id: 'far', loc: { lat: 28.6, lng: 119.27 } };
  const near = { id: 'near', loc: { lat: 28.591, lng: 119.27 } };
  const none1 = { id: 'none1', loc: null };
  const none2 = { id: 'none2', loc: { lat: null, lng: null } };
  const sorted = byDistance([none1, far, none2, near], here, (r) => r.loc);
  assert.deepEqual(
    sorted.map((x) => x.record.id),
    ['near', 'far', 'none1', 'none2'],
  );
  assert.ok(Math.abs(sorted[0].metres - 111.2) < 0.5);
  assert.equal(sorted[3].metres, null);
});
