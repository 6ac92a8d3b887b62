// The offline map's arithmetic (issue 24): tiles over an area, their number and size, the limit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, metered, plan, tileCount, tileOf, tileRanges, tilesOf, tileUrl } from '../src/tilemath.js';

// 航埠镇 in the demo (server/demo/geography.py): 0.13° by 0.1°.
const TOWN = [118.715, 28.883, 118.845, 28.983];
const GRID = [118.715, 28.933, 118.78, 28.983];

test('a point falls on the tile the slippy-map scheme gives', () => {
  assert.deepEqual(tileOf(0, 0, 1), { x: 1, y: 1 });
  assert.deepEqual(tileOf(-180, 85, 2), { x: 0, y: 0 });
  assert.deepEqual(tileOf(180, -85.1, 2), { x: 3, y: 3 }); // the edges stay on the map
  // Known: Tiananmen (116.3975, 39.9087) is tile 210/97 at zoom 8, 13489/6208 at zoom 14.
  assert.deepEqual(tileOf(116.3975, 39.9087, 8), { x: 210, y: 97 });
  assert.deepEqual(tileOf(116.3975, 39.9087, 14), { x: 13489, y: 6208 });
});

test('the ranges cover the box at each zoom, west-north to east-south', () => {
  const ranges = tileRanges(TOWN, 10, 12);
  assert.deepEqual(
    ranges.map((r) => r.z),
    [10, 11, 12],
  );
  for (const r of ranges) {
    assert.ok(r.x0 <= r.x1 && r.y0 <= r.y1);
    assert.equal(r.count, (r.x1 - r.x0 + 1) * (r.y1 - r.y0 + 1));
  }
  // A tile at zoom 12 is 0.088° wide: 0.13° spans 2 or 3 columns.
  assert.ok([2, 3].includes(ranges[2].x1 - ranges[2].x0 + 1));
  const all = [...tilesOf(ranges)];
  assert.equal(all.length, tileCount(ranges));
  assert.equal(all[0].z, 10); // the overview first: a stopped download still has it
  assert.equal(new Set(all.map((t) => `${t.z}/${t.x}/${t.y}`)).size, all.length);
});

test('the count roughly quadruples with each zoom', () => {
  const [z16, z17] = tileRanges(TOWN, 16, 17);
  assert.ok(z17.count > 3.5 * z16.count && z17.count < 4.5 * z16.count, `${z16.count} → ${z17.count}`);
});

test('a tile URL from a Leaflet template', () => {
  assert.equal(tileUrl('/tiles/{z}/{x}/{y}.png', { z: 3, x: 4, y: 5 }), '/tiles/3/4/5.png');
  assert.equal(
    tileUrl('https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=K', { z: 3, x: 4, y: 5 }, '01234567'),
    'https://t0.tianditu.gov.cn/vec_w/wmts?TILEMATRIX=3&TILEROW=5&TILECOL=4&tk=K',
  );
});

test('a grid within the limit is cached whole', () => {
  const p = plan({ bbox: GRID, minZoom: 10, maxZoom: 17, tileBytes: 2000, limitBytes: 50 * 1048576 });
  assert.equal(p.verdict, 'fits');
  assert.equal(p.maxZoom, 17);
  assert.equal(p.count, tileCount(tileRanges(GRID, 10, 17)));
  assert.equal(p.bytes, p.count * 2000);
});

test('over the limit, the deepest zoom is lowered until it fits', () => {
  const whole = tileCount(tileRanges(TOWN, 10, 17));
  const to16 = tileCount(tileRanges(TOWN, 10, 16));
  const p = plan({ bbox: TOWN, minZoom: 10, maxZoom: 17, tileBytes: 20000, limitBytes: (to16 + 1) * 20000 });
  assert.equal(p.verdict, 'lowered');
  assert.equal(p.maxZoom, 16);
  assert.equal(p.count, to16);
  assert.deepEqual(p.wanted, { maxZoom: 17, count: whole, bytes: whole * 20000 });
});

test('an area too large even at the floor zoom is refused', () => {
  const p = plan({ bbox: TOWN, minZoom: 10, maxZoom: 17, tileBytes: 20000, limitBytes: 100 * 1024 });
  assert.equal(p.verdict, 'refused');
  assert.equal(p.count, 0);
  assert.ok(p.wanted.bytes > 100 * 1024);
});

test('mobile data and save-data are metered; Wi-Fi and an unknown network are not', () => {
  assert.equal(metered({ type: 'cellular' }), true);
  assert.equal(metered({ type: 'wifi', saveData: true }), true);
  assert.equal(metered({ type: 'wifi' }), false);
  assert.equal(metered({ effectiveType: '4g' }), false);
  assert.equal(metered(undefined), false);
});

test('sizes read as people read them', () => {
  assert.equal(formatBytes(0), '0 KB');
  assert.equal(formatBytes(500), '1 KB');
  assert.equal(formatBytes(640 * 1024), '640 KB');
  assert.equal(formatBytes(1.5 * 1048576), '1.5 MB');
  assert.equal(formatBytes(52 * 1048576), '52 MB');
});
