// The catalogue page's pure parts: search, and the form as the server wants it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchers, matterChange } from '../src/catalogue-form.js';

const matter = { code: 'CG-001', name: '在城市道路两侧擅自堆放物料', short_name: '乱堆物料' };

test('a search matches every word in the name, the short name or the code', () => {
  assert.ok(matchers(matter, '堆放'));
  assert.ok(matchers(matter, 'cg-001 物料'));
  assert.ok(matchers(matter, '  '));
  assert.ok(!matchers(matter, '焚烧'));
});

test('the form gives whole fen, trims, and names what is missing', () => {
  const form = {
    legal_basis: ' 第十四条 ',
    penalty_basis: '',
    penalty_range: '处罚款',
    levels: [{ level: '一般', condition: '首次', min: '50', max: '500.5' }],
  };
  assert.deepEqual(matterChange(form), {
    change: {
      legal_basis: '第十四条',
      penalty_basis: null,
      penalty_range: '处罚款',
      discretion: [{ level: '一般', condition: '首次', fine_fen: [5000, 50050] }],
    },
  });
  assert.deepEqual(matterChange({ ...form, legal_basis: ' ' }), { missing: 'legal_basis' });
  const upside = { ...form, levels: [{ level: '一般', condition: '首次', min: '500', max: '50' }] };
  assert.deepEqual(matterChange(upside), { missing: 'level:0' });
  const notMoney = { ...form, levels: [{ level: '一般', condition: '首次', min: '五十', max: '50' }] };
  assert.deepEqual(matterChange(notMoney), { missing: 'level:0' });
});
