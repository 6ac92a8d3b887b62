// The phone's documents (src/documents.js) against the server's: for every kind, the test
// documents and variants that take each conditional part, Python's model
// (sync.documents.compose, written by tests/vectors/make_vectors.py) and the phone's must be
// the same, composed from the declarations the workflow export carries. "Same data, same
// wording": the HTML page then carries every block's text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FORMATTERS, compose, documentHtml, phrase, phraseItems } from '../src/documents.js';

const FILE = fileURLToPath(new URL('./vectors.json', import.meta.url));
const vectors = JSON.parse(readFileSync(FILE, 'utf8'));
const spec = vectors.workflow.documents;
const models = vectors.document_models;

const escape = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const shown = (s) => escape(s).replace(/\n/g, '<br>');

/** Every text of a model a reader must find on the page. */
function texts(model) {
  const out = [model.agency, model.title, model.doc_number, model.lines.act_code, model.lines.generated];
  for (const b of model.blocks) {
    if (b.type === 'para') out.push(b.text);
    if (b.type === 'form') out.push(...b.rows.flat());
    if (b.type === 'table') out.push(...b.header, ...b.rows.flat());
    if (b.type === 'close') out.push(b.agency, b.date, b.seal);
    if (b.type === 'signatures') for (const s of b.signers) out.push(`${s.role}：${s.name}`, s.note || '');
  }
  return out.filter(Boolean);
}

test('every kind of document has vectors, with its variants', () => {
  const kinds = new Set(models.map((v) => v.kind));
  assert.deepEqual([...kinds].sort(), Object.keys(spec.kinds).sort());
  for (const kind of kinds) assert.ok(models.filter((v) => v.kind === kind).length >= 2, kind);
});

for (const v of models) {
  test(`${v.kind} (${v.name}): the phone composes the server's model`, () => {
    assert.deepStrictEqual(compose(v.kind, v.data, spec, { redacted: Boolean(v.redacted) }), v.model);
  });
}

test('the page carries every text of the model, the act code as text and QR, on both papers', () => {
  for (const v of models) {
    for (const paper of ['A4', '80mm']) {
      const page = documentHtml(v.model, { paper });
      assert.match(page, /^<!doctype html>/);
      assert.ok(page.includes(`size: ${paper === 'A4' ? 'A4' : '80mm'}`), `${v.kind}: @page size`);
      for (const t of texts(v.model)) assert.ok(page.includes(shown(t)), `${v.kind} (${v.name}) ${paper}: ${t}`);
      assert.match(page, /<svg class="qr"[^>]*aria-label="[^"]+"/);
      const images = v.model.blocks.flatMap((b) => (b.signers || []).filter((s) => s.image));
      for (const s of images) assert.ok(page.includes(`src="${s.image}"`), 'a signature is drawn');
      if (v.redacted) assert.ok(page.includes(shown(v.model.lines.public)));
      // Shown inside the app, whose policy (style-src 'self') refuses style attributes.
      assert.doesNotMatch(page, /\sstyle=/, `${v.kind}: no style attribute`);
    }
  }
});

test('an unsealed offline copy prints the seal place as （印章）', () => {
  const sealed = models.find((v) => v.model.sealed && !v.redacted);
  assert.ok(documentHtml(sealed.model, { paper: 'A4' }).includes('<div class="seal">（印章）</div>'));
});

test('data is text on the page, never markup', () => {
  const v = models.find((m) => m.kind === 'transfer_letter');
  const data = { ...v.data, receiver: '<script>alert(1)</script>部门' };
  const page = documentHtml(compose('transfer_letter', data, spec), { paper: 'A4' });
  assert.ok(!page.includes('<script>'));
  assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;部门：'));
});

test('the formatters write money, times and days as the server does, in any time zone', () => {
  const wrong = vectors.document_formatters.filter((v) => FORMATTERS[v.formatter](v.value) !== v.expected);
  assert.deepEqual(wrong, []);
});

test('the texts the records make for a document are worded as the server words them', () => {
  assert.ok(vectors.document_phrases.length > 20);
  for (const v of vectors.document_phrases) {
    const got = v.items ? phraseItems(v.name, v.values, spec) : phrase(v.name, v.values, spec);
    assert.deepStrictEqual(got, v.expected, `${v.name} ${JSON.stringify(v.values)}`);
  }
});
