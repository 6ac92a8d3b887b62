// The phone's copies of the server's rules (src/rules.js) against vectors the Python code
// made (tests/vectors/make_vectors.py, run by `make test` before this). Each vector is
// checked in any time zone the machine has: the answers depend on China's day alone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { addressOk, awaitedStep, chinaDay, chinaIso, chinaMinute, clock, documentWaits, may, stepEffect } from '../src/rules.js';

const FILE = fileURLToPath(new URL('./vectors.json', import.meta.url));

function load() {
  try {
    return JSON.parse(readFileSync(FILE, 'utf8'));
  } catch (err) {
    throw new Error(`${FILE}: ${err.message}. Make it: python tests/vectors/make_vectors.py pwa/test/vectors.json (make test does)`);
  }
}

const vectors = load();
const { records } = vectors.workflow;

/** Every vector's answer, with the ones that differ from Python's (at most a few shown). */
function check(name, list, answer) {
  assert.ok(list.length > 0, `no ${name} vectors`);
  const wrong = list
    .map((v) => ({ v, got: answer(v) }))
    .filter(({ v, got }) => {
      try {
        assert.deepStrictEqual(got, v.expected);
        return false;
      } catch {
        return true;
      }
    });
  assert.deepStrictEqual(wrong.slice(0, 3), [], `${wrong.length} of ${list.length} ${name} vectors differ from sync/`);
}

test('may() agrees with sync.rules.may for every relation and role, in and out of jurisdiction', () => {
  check('may', vectors.may, (v) => may(v.who, v.rec, v.me, v.addressed));
  const answers = new Set(vectors.may.map((v) => v.expected));
  assert.deepStrictEqual(answers, new Set([true, false]));
});

test('a step laid over a record offline sets what sync.rules.step_sets sets', () => {
  check('step', vectors.step_effects, (v) => {
    const step = records[v.record_type].transitions[v.transition];
    return stepEffect(step, v.current, v.args, v.actor_id, v.now);
  });
  const covered = new Set(vectors.step_effects.map((v) => `${v.record_type}.${v.transition}`));
  for (const [type, spec] of Object.entries(records)) {
    for (const name of Object.keys(spec.transitions || {})) assert.ok(covered.has(`${type}.${name}`), `${type}.${name}`);
  }
});

test("the clocks say what sync.legal says, on China's day, across a holiday and a make-up day", () => {
  check('clock', vectors.clocks, (v) => clock(records[v.record_type], v.rec, Date.parse(v.now)));
  const answers = new Set(vectors.clocks.map((v) => JSON.stringify(v.expected)));
  for (const kind of ['{}', '{"late":true}']) assert.ok(answers.has(kind), kind);
  assert.ok([...answers].some((a) => a.includes('soon')));
});

test('the step a case waits for is the one sync.cases.awaited_step names', () => {
  check('awaits', vectors.awaits, (v) => awaitedStep(records.case.awaits, v.rec));
  const answers = new Set(vectors.awaits.map((v) => v.expected));
  assert.ok(answers.size > 10 && answers.has(null), 'the vectors reach many steps, and none');
});

test("a case's document is offered on the days sync.cases.document_waits allows", () => {
  check('documents', vectors.documents, (v) => documentWaits(records.case.documents[v.kind], v.rec, v.day));
  const answers = new Set(vectors.documents.map((v) => v.expected));
  for (const why of [null, 'after', 'from', 'until']) assert.ok(answers.has(why), String(why));
});

test("a time is typed and shown as China's, whatever the machine's zone", () => {
  // 16:30 UTC on 4 December is half past midnight on 5 December in China.
  const midnight = Date.parse('2026-12-04T16:30:00Z');
  assert.equal(chinaDay(midnight), '2026-12-05');
  assert.equal(chinaMinute(midnight), '2026-12-05T00:30');
  assert.equal(chinaIso('2026-12-08T17:00'), '2026-12-08T17:00:00+08:00');
  assert.equal(Date.parse(chinaIso(chinaMinute(midnight))), midnight);
  assert.equal(chinaIso(''), null);
});

test('addressOk() takes and refuses the addresses sync.eservice does (电子送达)', () => {
  const args = records.case.transitions.consent_eservice.args;
  check('eservice_addresses', vectors.eservice_addresses, (v) => addressOk(args[v.channel], v.value));
});
