// The public page of decisions (src/public.js, art. 48): where a decision stands, the China
// day it was published on whatever zone the reader is in, and the one address it opens.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chinaDate, publicPdf, publicationState } from '../src/public.js';

test('a decision is unpublished, then published, then withdrawn for good', () => {
  assert.equal(publicationState({ published_at: null, withdrawn_at: null }), 'unpublished');
  assert.equal(publicationState({ published_at: '2026-03-02T01:00:00Z', withdrawn_at: null }), 'published');
  const withdrawn = { published_at: '2026-03-02T01:00:00Z', withdrawn_at: '2026-03-04T01:00:00Z' };
  assert.equal(publicationState(withdrawn), 'withdrawn');
});

test("the day shown is China's, not the reader's", () => {
  assert.equal(chinaDate('2026-03-01T16:30:00Z'), '2026-03-02'); // 00:30 in China
  assert.equal(chinaDate('2026-03-01T15:59:00+00:00'), '2026-03-01');
  assert.equal(chinaDate(null), '');
});

test('the redacted copy is read from the public route, never the issued bytes', () => {
  const id = '0b7e4f0e-6d54-4e7b-9f8e-2a1c3d4e5f60';
  assert.equal(publicPdf({ id }), `/api/v1/public/decisions/${id}.pdf`);
});
