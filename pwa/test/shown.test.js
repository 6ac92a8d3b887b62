// The app shows recorded text without the bidirectional controls that would reorder it
// (src/shown.js), the same characters the server refuses (vectors.json: sync.values).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { h, options } from 'preact';
import { BIDI_CONTROLS, neutral, neutraliseTextNodes } from '../src/shown.js';

const vectors = JSON.parse(readFileSync(fileURLToPath(new URL('./vectors.json', import.meta.url)), 'utf8'));

test('the characters neutralised are the ones the server refuses', () => {
  assert.deepEqual(BIDI_CONTROLS, vectors.bidi_controls);
});

test('each bidirectional control is shown as U+FFFD, and nothing else changes', () => {
  const all = BIDI_CONTROLS.map((c) => String.fromCodePoint(parseInt(c, 16))).join('');
  assert.equal(neutral(`已缴款${all}张三`), `已缴款${'\uFFFD'.repeat(BIDI_CONTROLS.length)}张三`);
  assert.equal(neutral('村道“占道”经营…已劝阻'), '村道“占道”经营…已劝阻');
});

test('a text child rendered by any component is neutral once the hook is installed', () => {
  const before = options.vnode;
  try {
    neutraliseTextNodes();
    const text = { type: null, props: '罚款\u202E三张' };
    options.vnode(text);
    assert.equal(text.props, '罚款\uFFFD三张');
    const element = h('p', { title: 'x' }, 'y');
    assert.equal(element.props.title, 'x'); // elements pass through
  } finally {
    options.vnode = before;
  }
});
