// The matter picker's pure parts: the search and the order of the list.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fold, matchesMatter, pickerSections, toggleStar, usedNow } from '../src/matter-pick.js';

const road = { code: 'SR-003', name: '擅自占用城市道路、桥梁、广场等公共场所进行经营活动', short_name: '占道经营', domain: '市容环卫' };
const pile = { code: 'SR-004', name: '在城市道路两侧擅自堆放物料', short_name: '乱堆乱放', domain: '市容环卫' };
const burn = { code: 'EE-001', name: '露天焚烧秸秆、落叶等产生烟尘污染的物质', short_name: '露天焚烧', domain: '生态环境' };
const build = {
  code: 'PL-001',
  name: '未取得建设工程规划许可证进行建设',
  short_name: '违法搭建',
  domain: '城乡规划',
  department_code: 'ZRZY',
};
const all = [road, pile, burn, build];
const keys = (sections) => sections.map((s) => [s.key, s.items.map((m) => m.code)]);

test('a search matches the short name, the legal name, the code and the department, spaces and width ignored', () => {
  assert.ok(matchesMatter(road, '占道'));
  assert.ok(matchesMatter(road, '公共 场所'));
  assert.ok(matchesMatter(road, 'ｓｒ－００３'), 'full-width code, NFKC');
  assert.ok(matchesMatter(road, 'sr-003'));
  assert.ok(matchesMatter(road, '市容'));
  assert.ok(matchesMatter(build, '自然资源', '县自然资源和规划局'));
  assert.ok(!matchesMatter(build, '自然资源'));
  assert.ok(!matchesMatter(road, '焚烧'));
  assert.ok(matchesMatter(road, '   '));
  assert.equal(fold(' Ａ b\u3000C '), 'abc');
});

test('without a search, favourites come first: starred then recent, then everything by department', () => {
  const s = pickerSections(all, { stars: [burn.code], recent: [pile.code, burn.code, 'GONE-1'] });
  assert.deepEqual(keys(s), [
    ['favourites', ['EE-001', 'SR-004']],
    ['市容环卫', ['SR-003', 'SR-004']],
    ['生态环境', ['EE-001']],
    ['城乡规划', ['PL-001']],
  ]);
});

test('with a search, only matches: favourites first and not repeated below', () => {
  const s = pickerSections(all, { query: '城市道路', stars: [pile.code] });
  assert.deepEqual(keys(s), [
    ['favourites', ['SR-004']],
    ['市容环卫', ['SR-003']],
  ]);
  const d = pickerSections(all, { query: '规划局', deptName: (m) => (m.department_code === 'ZRZY' ? '县自然资源和规划局' : '') });
  assert.deepEqual(keys(d), [['城乡规划', ['PL-001']]]);
  assert.deepEqual(pickerSections(all, { query: '没有这个' }), []);
});

test('no favourites, no 常用 section', () => {
  assert.equal(pickerSections(all)[0].key, '市容环卫');
});

test('the recent list keeps the last five, most recent first, without repeats; a star toggles', () => {
  assert.deepEqual(usedNow(['a', 'b', 'c', 'd', 'e'], 'c'), ['c', 'a', 'b', 'd', 'e']);
  assert.deepEqual(usedNow(['a', 'b', 'c', 'd', 'e'], 'f'), ['f', 'a', 'b', 'c', 'd']);
  assert.deepEqual(usedNow(undefined, 'a'), ['a']);
  assert.deepEqual(toggleStar(['a'], 'b'), ['a', 'b']);
  assert.deepEqual(toggleStar(['a', 'b'], 'a'), ['b']);
});
