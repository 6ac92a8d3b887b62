// How the phone files what the server answered for each outbox entry. Plain functions of
// plain data (no IndexedDB, no DOM), so that `node --test` holds them to the protocol
// (pwa/test/filing.test.js); sync.js applies them inside its IndexedDB transactions.

export const PENDING = 'pending'; // saved on the phone, not sent
export const SENDING = 'sending'; // sent by one sync run, no answer yet (sent again if it is lost: R1)
export const WAITING = 'waiting'; // the server holds it until the record it hangs from arrives
export const DONE = 'done'; // answered applied / duplicate / merged / conflict; kept as sent (outbox.js settleSent, R12)
export const ATTENTION = 'attention'; // the server refused it: a person must look
export const HELD = 'held'; // a photo the server holds, verified

/**
 * The state an answer puts its entry in, by its outcome alone. A replay (R1: the answer to a
 * mutation the server had answered before, whose first answer was lost) carries that first
 * answer's outcome and reason, and is filed exactly as that answer would have been: a
 * refusal needs a person whether it comes first or again.
 */
export function stateFor(result) {
  if (result.outcome === 'rejected') return ATTENTION;
  if (result.outcome === 'waiting') return WAITING; // sent: not sent again, not yet in effect
  return DONE;
}

/**
 * Whether an entry the server applied still shows on its record as it did while it waited.
 * The push is answered before the pull that brings the record as the server now holds it;
 * in between, the record went back to how it was last pulled (a task's handling form
 * vanished and came back, closing what the officer had open on it). So: until the first
 * ordinary pull after the answer (`held_by`, outbox.js settleSent), and only while the
 * record as pulled is older than the answer (a create whose record has not come; a step or
 * an edit whose version has not). A refusal never shows.
 */
export function showsUntilPulled(entry, current) {
  const r = entry.result;
  if (entry.state !== DONE || entry.held_by != null || !r) return false;
  if (r.outcome !== 'applied' && r.outcome !== 'merged') return false;
  if (!current) return entry.mutation.op === 'create';
  return typeof r.version === 'number' && (current.version ?? 0) < r.version;
}

/** The entry taken into this run's batch, or null: it is answered already, or another run
 * (another tab, a run that outlived its page) has it in flight. */
export function claim(entry, run) {
  if (!entry) return null;
  if (entry.state === PENDING || (entry.state === SENDING && entry.run === run)) {
    return { ...entry, state: SENDING, run };
  }
  return null;
}

/**
 * The entry with its answer filed, or null when this run no longer owns it: the entry is not
 * in the state this run put it in (another tab filed a newer answer, the person acknowledged
 * a refusal). A stale run never overwrites what is newer than itself.
 */
export function file(current, result, run, answeredAt) {
  if (!owned(current, run)) return null;
  const { run: _run, ...rest } = current;
  return { ...rest, state: stateFor(result), result, answered_at: answeredAt };
}

/** No answer came: back to "saved on the phone", unless another run has it meanwhile. */
export function release(current, run) {
  if (!owned(current, run)) return null;
  const { run: _run, ...rest } = current;
  return { ...rest, state: PENDING };
}

function owned(current, run) {
  return !!current && current.state === SENDING && current.run === run;
}

/**
 * Whether an entry goes again to a server that lost history (R12, outbox.js resendLost):
 * one the server answered (DONE) or held for its parent (WAITING: that hold was in the
 * database the restore replaced), unless it was refused. A refusal, waiting for a person
 * (ATTENTION) or acknowledged (DONE, refused), left nothing on the server to lose. An old
 * replay carried its first answer inside `original`; today's is that answer, marked `replay`.
 */
export function resendable(entry) {
  if (entry.state !== DONE && entry.state !== WAITING) return false;
  const r = entry.result;
  const first = r && r.outcome === 'duplicate' && r.original ? r.original : r;
  return !!first && first.outcome !== 'rejected';
}

/** A waiting entry whose record the server now sends in a pull: it has taken effect. */
export function arrived(entry, present) {
  if (entry.state !== WAITING || !present) return null;
  return { ...entry, state: DONE };
}

// The records whose files go by upload (a clue's evidence, a visit's photos): the server
// says in their pulled data when it holds each file.
export const FILE_RECORDS = ['evidence', 'visit_photo'];

/**
 * The photo files to send now, copies first: the user's, not held or refused, whose evidence
 * record the server has taken (DONE, not refused). A record the server only holds
 * (WAITING) has no evidence row to attach bytes to yet: its photos wait for the pull that
 * brings it. Originals go on a good connection, or when the person asked for everything.
 */
export function uploadable(files, entries, userId, { all = false, good = true } = {}) {
  const taken = new Set(
    entries
      .filter((e) => e.state === DONE && FILE_RECORDS.includes(e.mutation.record_type))
      .filter((e) => !e.result || e.result.outcome !== 'rejected')
      .map((e) => e.mutation.record_id),
  );
  return files
    .filter((f) => f.user_id === userId && f.state !== HELD && f.state !== ATTENTION)
    .filter((f) => taken.has(f.evidence_id))
    .filter((f) => f.tier === 'copy' || all || good)
    .sort((a, b) => (a.tier === b.tier ? 0 : a.tier === 'copy' ? -1 : 1));
}

/**
 * What waits on the phone, counted as a person counts it: a report with its notes and photos
 * is one thing (it was seven: a record, its photo records, each photo's two files). `records`:
 * things not yet on the server; `photos`: photos whose first file (the compressed copy, or
 * the original when there is none) has not arrived; `originals`: originals that wait behind
 * a copy the server holds (sync.js sends them on Wi-Fi or when the person taps sync now);
 * `attention`: things the server refused.
 */
export function waiting(entries, files) {
  const thing = (m) => m.parent_id || m.record_id;
  const of = (states) => new Set(entries.filter((e) => states.includes(e.state)).map((e) => thing(e.mutation)));
  const refused = of([ATTENTION]);
  for (const f of files) if (f.state === ATTENTION) refused.add(f.clue_id || f.visit_record_id);
  const open = files.filter((f) => f.state !== HELD && f.state !== ATTENTION);
  const copies = new Set(files.filter((f) => f.tier === 'copy').map((f) => f.evidence_id));
  const heldCopies = new Set(files.filter((f) => f.tier === 'copy' && f.state === HELD).map((f) => f.evidence_id));
  const first = open.filter((f) => f.tier === 'copy' || !copies.has(f.evidence_id));
  const behind = open.filter((f) => f.tier === 'original' && heldCopies.has(f.evidence_id));
  return {
    records: of([PENDING, SENDING]).size,
    photos: new Set(first.map((f) => f.evidence_id)).size,
    originals: behind.length,
    attention: refused.size,
  };
}
