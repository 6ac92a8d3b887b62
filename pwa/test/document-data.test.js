// The data of a document made offline (src/document-data.js) against the server's
// (sync.documents.data): from the same case fields and context, the same data, so the paper
// handed over and the sealed PDF say the same. Vectors by tests/vectors/make_vectors.py.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { documentData, penaltyLines, placeOf, preservedItems, statementText } from '../src/document-data.js';
import { compose } from '../src/documents.js';

const FILE = fileURLToPath(new URL('./vectors.json', import.meta.url));
const vectors = JSON.parse(readFileSync(FILE, 'utf8'));
const spec = vectors.workflow.documents;
const cases = vectors.document_data.filter((v) => !['penalty_lines', 'place', 'statement', 'preserved_items'].includes(v.kind));

test('the vectors hold each kind the phone makes offline', () => {
  const kinds = new Set(cases.map((v) => v.kind));
  const { records } = vectors.workflow;
  const offline = Object.entries({ ...records.case.documents, ...records.inspection.documents })
    .filter(([, d]) => d.offline)
    .map(([k]) => k);
  assert.deepEqual([...kinds].sort(), offline.sort());
});

for (const v of cases) {
  test(`${v.kind}: ${v.name}`, () => {
    const data = documentData(v.kind, v.fields, v.ctx, spec);
    assert.deepEqual(data, v.data);
    // …and so the same document (the model's texts; its number and time aside).
    const common = { agency: '航埠镇人民政府', doc_number: 'N', act_code: 'A', generated_at: '2026-03-14 10:00' };
    assert.ok(compose(v.kind, { ...common, ...data }, spec).blocks.length > 3);
  });
}

for (const v of vectors.document_data.filter((x) => x.kind === 'penalty_lines')) {
  test(`penalty lines: ${v.penalties.map((p) => p.kind).join('+')}`, () => {
    assert.deepEqual(penaltyLines(v.labels, v.penalties, spec), v.lines);
  });
}

test("the place: the clue's address, else its unit's name", () => {
  for (const v of vectors.document_data.filter((x) => x.kind === 'place')) assert.equal(placeOf(v.clue), v.place);
});

test('the statement after a notice: answered, heard, a hearing waived', () => {
  for (const v of vectors.document_data.filter((x) => x.kind === 'statement')) assert.equal(statementText(v.fields, spec), v.text);
});

test('the items of a preservation, one a line, its quantity last', () => {
  const texts = vectors.document_data.filter((x) => x.kind === 'preserved_items');
  assert.ok(texts.length >= 5);
  for (const v of texts) assert.deepEqual(preservedItems(v.text), v.items, JSON.stringify(v.text));
});
