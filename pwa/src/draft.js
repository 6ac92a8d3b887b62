// A form's draft: what is typed in it and every photo and recording taken there, kept sealed
// in IndexedDB (the `meta` store, db.js seals it) the moment it changes, so a reload, a killed
// tab, a restarted browser or a phone out of memory loses nothing. One place for every form
// that keeps one: the report (screens.js Report), a visit's record (inspections.js) and the
// officer's handling of a task (screens.js TaskDetail). Saving turns the draft into queued
// records in the outbox's own transaction, which deletes the draft (outbox.record's `meta`):
// a draft outliving its record would be saved twice.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { delMeta, getMeta, setMeta } from './db.js';
import { t } from './i18n.js';
import { html } from 'htm/preact';
import { currentKey, mapBlobs, sealBlob } from './vault.js';

/** `value` as it is stored: an object URL (a photo's `url`) dies with its page, and is made
 * again from the blob. */
export function storable(value) {
  if (Array.isArray(value)) return value.map(storable);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (!(k === 'url' && typeof v === 'string' && v.startsWith('blob:'))) out[k] = storable(v);
    }
    return out;
  }
  return value;
}

/**
 * Writes a draft one value at a time, in order, with only the newest waiting: a write seals
 * every photo of the draft, and two writes racing could end with the older one stored (a
 * recording kept before a keystroke, lost after it). `close` lets the running write finish
 * and takes no more (saving: nothing may write the draft again after the outbox deleted it);
 * `open` takes them again (the save failed, the draft stays). `onState` hears 'saving',
 * 'saved' or 'failed' (a full storage: the form keeps it in memory, and says so).
 */
export function draftWriter(write, onState = () => {}) {
  let next;
  let running = null;
  let closed = false;
  async function drain() {
    while (next !== undefined) {
      const value = next;
      next = undefined;
      onState('saving');
      try {
        await write(value);
        if (next === undefined) onState('saved');
      } catch {
        if (next === undefined) onState('failed');
      }
    }
    running = null;
  }
  return {
    put(value) {
      if (closed) return Promise.resolve();
      next = value;
      if (!running) running = drain();
      return running;
    },
    async close() {
      closed = true;
      next = undefined;
      await running;
    },
    open() {
      closed = false;
    },
  };
}

// A Blob → its sealed copy (under which key): typing a word does not seal every photo and
// recording of the draft again, only what is new since the last write.
const sealedCopies = new WeakMap();

async function sealOnce(blob) {
  const key = currentKey();
  const kept = sealedCopies.get(blob);
  if (key && kept && kept.kid === key.kid) return kept.blob;
  const sealed = await sealBlob(blob);
  if (key && sealed !== blob) sealedCopies.set(blob, { kid: key.kid, blob: sealed });
  return sealed;
}

export async function writeDraft(key, value) {
  return setMeta(key, await mapBlobs(storable(value), sealOnce));
}

/**
 * The draft under `key` (a stored one `usable` accepts, else `fresh()`), and:
 * `set` (a value or an updater, as a state setter: a photo finishing its hashing must not
 * undo what was typed meanwhile), `state` (null: nothing kept yet; 'saving', 'saved',
 * 'failed'), `finish(record)` to save it, once (true; a second tap while saving does nothing
 * and is false), and
 * `discard()` to drop it.
 */
export function useDraft(key, fresh, { usable = () => true } = {}) {
  const [value, setValue] = useState(null);
  const [state, setState] = useState(null);
  const writer = useMemo(() => draftWriter((v) => writeDraft(key, v), setState), [key]);
  const latest = useRef(null); // the value as it stands, for finish and discard
  const loaded = useRef(null); // the value read from the store: not written back unchanged
  const saving = useRef(false);
  latest.current = value;
  useEffect(() => {
    let gone = false;
    setValue(null);
    getMeta(key).then(
      (saved) => {
        if (gone) return;
        const ok = saved && usable(saved);
        loaded.current = ok ? saved : fresh();
        setState(ok ? 'saved' : null);
        setValue(loaded.current);
      },
      () => {
        // Sealed under a key not in memory (another login's): not overwritten until changed.
        if (!gone) setValue((loaded.current = fresh()));
      },
    );
    return () => {
      gone = true;
    };
  }, [key]);
  useEffect(() => {
    if (value && value !== loaded.current) writer.put(value);
  }, [value]);
  async function finish(record) {
    if (saving.current) return false;
    saving.current = true;
    await writer.close();
    try {
      await record();
      return true;
    } catch (err) {
      writer.open();
      if (latest.current) writer.put(latest.current); // the save failed: the draft stays
      throw err;
    } finally {
      saving.current = false;
    }
  }
  async function discard() {
    await writer.close();
    try {
      await delMeta(key).catch(() => {});
    } finally {
      writer.open();
      loaded.current = fresh();
      setState(null);
      setValue(loaded.current);
    }
  }
  return { key, value, set: setValue, state, finish, discard };
}

/**
 * Where the draft stands, in words (kept on this phone / being kept / not kept: the storage
 * is full), and a discard that asks first: it deletes photos and recordings that exist
 * nowhere else.
 */
export function DraftBar({ draft }) {
  const [asking, setAsking] = useState(false);
  if (!draft.state) return null;
  return html`<div class=${`draft-bar ${draft.state}`} data-draft=${draft.state}>
    <span role="status" aria-live="polite">${t(`draft_${draft.state}`)}</span>
    ${
      asking
        ? html`<div class="draft-ask" role="alertdialog" aria-label=${t('draft_discard_q')}>
          <p>${t('draft_discard_q')}</p>
          <button type="button" class="secondary small" data-action="keep-draft" onClick=${() => setAsking(false)}>${t('cancel')}</button>
          <button type="button" class="secondary small danger" data-action="confirm-discard" onClick=${() => draft.discard().then(() => setAsking(false))}>${t('draft_discard_yes')}</button>
        </div>`
        : html`<button type="button" class="secondary small" data-action="discard-draft" onClick=${() => setAsking(true)}>${t('draft_discard')}</button>`
    }
  </div>`;
}
