// The screens of the field app. Every rule comes from the workflow the server declared
// (kept on the phone): which fields a report needs, which steps a task offers, and what a
// refusal means in plain words.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { L, t, when } from './i18n.js';
import * as box from './outbox.js';
import { evidence, prepare } from './photos.js';
import { NotFit, baseType, clock, openDevices, prepareRecording, recorderType, refusal } from './recording.js';
import {
  ArgsForm,
  BlobImage,
  ChoiceSelect,
  EvidenceTile,
  MediaIcon,
  MediaTile,
  Field,
  StateChip,
  argsComplete,
  argsValues,
  html,
  reasonText,
  savedText,
  today,
} from './ui.js';
import { InspectionFields, inspectionPayload, offered, partnersOf, staff, useRecords } from './cases.js';
import { getMeta, setMeta } from './db.js';
import { DraftBar, useDraft } from './draft.js';
import { MapView } from './map.js';
import { MatterPicker } from './picker.js';
import { authedBlob } from './session.js';
import { isMyTask } from './badges.js';
import { useBadges, useOpened } from './seen.js';
import { byDistance, distanceParts, search } from './search.js';
import { useApp } from './app.js';
import { openBlob } from './vault.js';
import { SignaturePad } from './signature.js';

const POOR_ACCURACY_M = 50;

function go(hash) {
  window.location.hash = hash;
}

function canCreate(workflow, type, me) {
  return workflow.records[type].create.who.some((w) => me.roles.includes(w));
}

/** The sync bar's words: what waits, counted in things recorded, and why (outbox.counts). */
export function waitingText(counts) {
  if (counts.attention) return t('attention_n', { n: counts.attention });
  if (counts.records) return t('waiting_n', { n: counts.records });
  if (counts.photos) return t('photos_waiting', { n: counts.photos });
  if (counts.originals) return t('originals_waiting', { n: counts.originals });
  return t('all_sent');
}

// -- home -----------------------------------------------------------------------------------
/** Whether random inspections may draw this person: an officer, or a department's inspector
 * with an enforcement certificate (the server's draw reads the same register). */
export function inspector(me) {
  return me.roles.includes('officer') || (me.roles.includes('department') && !!me.certificate_no);
}

/** A menu entry with its badge: the number large, and in words for a screen reader. */
function Entry({ href, label, list, n }) {
  return html`<a class=${`big${n ? ' has-badge' : ''}`} href=${href} data-badge-list=${list}>${label}
    ${n ? html`<span class="badge" aria-hidden="true" data-badge=${n}>${n}</span><span class="sr-only">${t(`badge_${list}`, { n })}</span>` : null}</a>`;
}

export function Home() {
  const { me, workflow, counts, version } = useApp();
  const badges = useBadges(me, workflow, version);
  const reporter = canCreate(workflow, 'clue', me);
  const officer = me.roles.includes('officer');
  // A department's inspector has no clue to report nor task to take: his visits come first.
  const visitsFirst = inspector(me) && !reporter;
  return html`<main class="home">
    <p class="who">${me.display_name} · ${me.unit && me.unit.name}</p>
    <nav class="big-buttons">
      ${visitsFirst ? html`<a class="big primary" href="#/visits">${t('my_visits')}</a>` : null}
      ${reporter ? html`<a class="big primary" href="#/report">${t('report')}</a>` : null}
      ${officer ? html`<${Entry} href="#/tasks" label=${t('tasks')} list="tasks" n=${badges.tasks} />` : null}
      ${inspector(me) && !visitsFirst ? html`<a class="big" href="#/visits">${t('my_visits')}</a>` : null}
      ${staff(me) ? html`<${Entry} href="#/cases" label=${t('cases')} list="cases" n=${badges.cases} />` : null}
      ${reporter ? html`<${Entry} href="#/mine" label=${t('my_reports')} list="mine" n=${badges.mine} />` : null}
      <a class="big" href="#/outbox">${t('outbox')}
        <span class="sub">${waitingText(counts)}</span></a>
      <a class="big" href="#/offline-map" data-to="offline-map">${t('offline_map')}</a>
    </nav>
  </main>`;
}

// -- location ----------------------------------------------------------------------------
export function useFix() {
  const [fix, setFix] = useState(null);
  const [error, setError] = useState(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (!navigator.geolocation) {
      setError('loc_denied');
      return undefined;
    }
    setError(null);
    const id = navigator.geolocation.watchPosition(
      (p) => {
        setError(null); // a denial or timeout before this fix is no longer true
        setFix({
          lat: p.coords.latitude,
          lng: p.coords.longitude,
          accuracy_m: Math.round(p.coords.accuracy * 10) / 10,
          fix_time: new Date(p.timestamp).toISOString(),
        });
      },
      () => setError('loc_denied'),
      { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 },
    );
    return () => navigator.geolocation.clearWatch(id);
  }, [round]);
  return [fix, error, () => setRound(round + 1)];
}

export function fixWarning(fix) {
  if (!fix) return null;
  if (fix.accuracy_m <= 0) return 'loc_suspect';
  if (fix.accuracy_m > POOR_ACCURACY_M) return 'loc_poor';
  return null;
}

// A place picked on the map stands for a fix only as well as a finger on a phone's map can
// point: it is declared that coarse, and the report carries a note that it was picked.
const PICKED_ACCURACY_M = 100;

export function pickedFix(picked) {
  return picked
    ? {
        lat: Math.round(picked.lat * 1e6) / 1e6,
        lng: Math.round(picked.lng * 1e6) / 1e6,
        accuracy_m: PICKED_ACCURACY_M,
        fix_time: picked.at,
      }
    : null;
}

/** Where it happened. Without a fix (location denied, no GPS signal) the reporter picks the
 * place on the map or writes its address (a village with no signal has no base map either):
 * the report goes on, marked 无定位 for the command room (sync.place). */
function LocationBox({ fix, error, relocate, picked, pick, settings, mode, setMode, address, setAddress, shortest }) {
  const warning = fixWarning(fix);
  const points = useMemo(
    () => (picked ? [{ id: 'picked', lat: picked.lat, lng: picked.lng, label: t('picked') }] : []),
    [picked && picked.lat, picked && picked.lng],
  );
  const noFix = pick && !fix && error;
  return html`<section class="box" aria-live="polite">
    <h2>${t('location')}</h2>
    ${error ? html`<p class="error" role="alert">${t(error)}</p>` : null}
    ${
      noFix
        ? html`<p class="warn" data-no-fix>${t('no_fix_marked')}</p>
      <div class="place-ways" role="group" aria-label=${t('location')}>
        <button type="button" class=${mode === 'map' ? 'primary' : 'secondary'} aria-pressed=${mode === 'map'} data-way="map" onClick=${() => setMode('map')}>${t('pick_on_map')}</button>
        <button type="button" class=${mode === 'address' ? 'primary' : 'secondary'} aria-pressed=${mode === 'address'} data-way="address" onClick=${() => setMode('address')}>${t('write_address')}</button>
      </div>
      ${
        mode === 'map'
          ? html`<p class="hint">${t('pick_hint')}</p>
        <${MapView} points=${points} tiles=${settings && settings.map} height=${240} onMapClick=${(p) => pick({ ...p, at: new Date().toISOString() })} />
        ${picked ? html`<p class="fix" data-picked>${t('picked')}：${picked.lat.toFixed(6)}, ${picked.lng.toFixed(6)}</p>` : null}`
          : null
      }
      ${
        mode === 'address'
          ? html`<label class="field"><span>${t('place_address')}</span>
        <input name="place_address" class="big" maxlength="300" value=${address} placeholder=${t('place_address_hint')}
          onInput=${(e) => setAddress(e.currentTarget.value)} /></label>
        <p class="hint">${t('address_min', { n: shortest })}</p>`
          : null
      }`
        : null
    }
    ${
      fix
        ? html`<p class="fix">${fix.lat.toFixed(6)}, ${fix.lng.toFixed(6)} · <strong>${t('accuracy', { m: Math.round(fix.accuracy_m) })}</strong></p>`
        : !error
          ? html`<p>${t('locating')}</p>`
          : null
    }
    ${warning ? html`<p class="warn" role="alert" data-warning=${warning}>${t(warning)}</p>` : null}
    <button type="button" class="secondary" onClick=${relocate}>${t('relocate')}</button>
  </section>`;
}

// -- photos --------------------------------------------------------------------------------
/** Take photos (camera or file), each hashed at once and given its compressed copy; a report
 * and a visit's record (inspections.js) take them alike. `setPhotos` takes an updater
 * (current photos → new ones), as a state setter does: hashing takes seconds on a cheap phone. */
export function PhotoPicker({ photos, setPhotos, name = 'photo', hint = null, recordType = 'evidence' }) {
  const { workflow } = useApp();
  const kinds = workflow.records[recordType].kinds;
  const [bad, setBad] = useState(null);
  const [recording, setRecording] = useState(null); // 'audio' | 'video' while its screen is open
  async function add(e) {
    const input = e.currentTarget;
    const chosen = [...input.files];
    input.value = '';
    setBad(null);
    const ready = [];
    for (const f of chosen) {
      try {
        ready.push({ ...(await prepare(f)), captured_at: new Date().toISOString() });
      } catch {
        setBad('photo_bad');
      }
    }
    // From the photos as they are when these are ready, not as they were when the picking
    // began: whatever changed meanwhile (another photo, a place picked on the map) stays.
    setPhotos((current) => [...current, ...ready]);
  }
  /** A recording made in the phone's own recorder or camera app: hashed as it is chosen. */
  async function addRecorded(kind, e) {
    const input = e.currentTarget;
    const chosen = [...input.files];
    input.value = '';
    setBad(null);
    const ready = [];
    for (const f of chosen) {
      try {
        const capturedAt = new Date(f.lastModified || Date.now()).toISOString();
        ready.push({ ...(await prepareRecording(f, kind, kinds)), captured_at: capturedAt });
      } catch (err) {
        setBad(err instanceof NotFit ? err.reason : 'rec_bad');
      }
    }
    setPhotos((current) => [...current, ...ready]);
  }
  const keep = (item) => {
    setRecording(null);
    setPhotos((current) => [...current, item]);
  };
  const recordable = ['audio', 'video'].filter((k) => kinds[k]);
  const recordings = photos.filter((p) => p.kind === 'audio' || p.kind === 'video');
  const pictures = photos.length - recordings.length;
  return html`<section class="box">
    <h2>${t('photos')} <span class="sub">${t('photo_n', { n: pictures })}${recordings.length ? ` · ${t('recording_n', { n: recordings.length })}` : ''}</span></h2>
    ${hint ? html`<p class="hint">${hint}</p>` : null}
    <div class="thumbs">${photos.map((p, i) =>
      p.kind === 'audio' || p.kind === 'video'
        ? html`<${MediaTile} blob=${p.original.blob} kind=${p.kind} durationMs=${p.duration_ms} label=${`${t(`rec_${p.kind}`)} ${i + 1}`} />`
        : html`<${BlobImage} blob=${p.copy ? p.copy.blob : p.original.blob} alt=${`${t('photos')} ${i + 1}`} />`,
    )}</div>
    <label class="big file">${t('take_photo')}
      <input type="file" name=${name} accept="image/*" capture="environment" multiple onChange=${add} />
    </label>
    ${
      recordable.length
        ? html`<div class="record-buttons">${recordable.map(
            (k) =>
              html`<button type="button" class="big" data-record=${k} onClick=${() => setRecording(k)}><${MediaIcon} kind=${k} /> ${t(`record_${k}`)}</button>`,
          )}</div>
          <details class="record-apps"><summary>${t('record_in_app')}</summary>${recordable.map(
            (k) => html`<label class="big file secondary">${t(`record_${k}_app`)}
              <input type="file" name=${`${name}_${k}`} accept=${`${k}/*`} capture=${k === 'video' ? 'environment' : 'user'} onChange=${(e) => addRecorded(k, e)} /></label>`,
          )}</details>`
        : null
    }
    ${bad ? html`<p class="warn" role="alert" data-bad=${bad}>${t(bad)}</p>` : null}
    ${recording ? html`<${Recorder} kind=${recording} spec=${kinds[recording]} onKeep=${keep} onClose=${() => setRecording(null)} />` : null}
  </section>`;
}

/** The recording screen: the microphone (and the rear camera) asked for, a running clock
 * against the workflow's longest duration (it stops by itself there), a big stop button,
 * then play it back and keep or discard. Nothing is stored until "keep"; a refused
 * permission or a browser without MediaRecorder says so in words. */
function Recorder({ kind, spec, onKeep, onClose }) {
  const [phase, setPhase] = useState('asking'); // asking | recording | review | saving | failed
  const [why, setWhy] = useState(null);
  const [elapsed, setElapsed] = useState(0);
  const [result, setResult] = useState(null); // { blob, url, ms }
  const live = useRef(null); // { stream, recorder, started }
  const preview = useRef(null);
  const limitMs = spec.max_seconds * 1000;
  function release() {
    const l = live.current;
    if (l) l.stream.getTracks().forEach((tr) => tr.stop());
    live.current = null;
  }
  useEffect(() => {
    const type = recorderType(kind, { [kind]: spec });
    if (!type) {
      setWhy(globalThis.MediaRecorder ? 'rec_no_type' : 'rec_unsupported');
      setPhase('failed');
      return release;
    }
    let gone = false;
    openDevices(kind).then(
      (stream) => {
        if (gone) return stream.getTracks().forEach((tr) => tr.stop());
        const recorder = new MediaRecorder(stream, { mimeType: type });
        const parts = [];
        recorder.ondataavailable = (e) => e.data && e.data.size && parts.push(e.data);
        const started = Date.now();
        recorder.onstop = () => {
          const ms = Date.now() - started;
          release();
          const blob = new Blob(parts, { type: recorder.mimeType || type });
          setResult({ blob, url: URL.createObjectURL(blob), ms, type: baseType(recorder.mimeType || type) });
          setPhase('review');
        };
        live.current = { stream, recorder, started };
        if (preview.current) preview.current.srcObject = stream;
        recorder.start(1000); // a piece each second: a killed app loses at most the last one
        setPhase('recording');
      },
      (err) => {
        setWhy(refusal(err));
        setPhase('failed');
      },
    );
    return () => {
      gone = true;
      if (live.current && live.current.recorder.state !== 'inactive') live.current.recorder.onstop = null;
      release();
    };
  }, [kind]);
  useEffect(() => {
    if (phase !== 'recording') return undefined;
    const tick = setInterval(() => {
      if (!live.current) return; // stopped: the review is on its way
      const ms = Date.now() - live.current.started;
      setElapsed(ms);
      if (ms >= limitMs) stop(); // the workflow's longest duration: stop by itself
    }, 250);
    return () => clearInterval(tick);
  }, [phase]);
  useEffect(() => () => result && URL.revokeObjectURL(result.url), [result]);
  function stop() {
    const l = live.current;
    if (l && l.recorder.state !== 'inactive') l.recorder.stop();
  }
  async function keep() {
    setPhase('saving');
    try {
      const item = await prepareRecording(result.blob, kind, { [kind]: spec }, { mediaType: result.type, durationMs: result.ms });
      onKeep({ ...item, captured_at: new Date(Date.now() - result.ms).toISOString() });
    } catch (err) {
      setWhy(err instanceof NotFit ? err.reason : 'rec_failed');
      setPhase('failed');
    }
  }
  const title = t(`record_${kind}`);
  return html`<div class="recorder" role="dialog" aria-modal="true" aria-label=${title} data-recorder=${kind} data-phase=${phase}>
    <h2><${MediaIcon} kind=${kind} /> ${title}</h2>
    ${kind === 'video' && (phase === 'asking' || phase === 'recording') ? html`<video class="rec-preview" ref=${preview} muted autoplay playsinline></video>` : null}
    ${phase === 'asking' ? html`<p class="hint" role="status">${t('rec_asking')}</p>` : null}
    ${
      phase === 'recording'
        ? html`<p class="rec-clock" role="timer" aria-live="off" data-elapsed=${Math.floor(elapsed / 1000)}><span class="rec-dot" aria-hidden="true"></span>${clock(elapsed)}<span class="limit"> / ${clock(limitMs)}</span></p>
          <button type="button" class="rec-stop" data-action="stop-recording" onClick=${stop}><span class="square" aria-hidden="true"></span>${t('rec_stop')}</button>`
        : null
    }
    ${
      phase === 'review' || phase === 'saving'
        ? html`<p class="rec-clock done">${clock(result.ms)}</p>
          ${kind === 'video' ? html`<video class="rec-preview" src=${result.url} controls playsinline></video>` : html`<audio src=${result.url} controls></audio>`}
          <div class="rec-choice">
            <button type="button" class="secondary" data-action="discard-recording" disabled=${phase === 'saving'} onClick=${onClose}>${t('rec_discard')}</button>
            <button type="button" class="primary" data-action="keep-recording" disabled=${phase === 'saving'} onClick=${keep}>${phase === 'saving' ? t('rec_saving') : t('rec_keep')}</button>
          </div>`
        : null
    }
    ${
      phase === 'failed'
        ? html`<p class="warn" role="alert" data-why=${why}>${t(why)}</p>
          <p class="hint">${t('rec_use_app')}</p>
          <button type="button" class="big secondary" data-action="close-recorder" onClick=${onClose}>${t('close')}</button>`
        : null
    }
    ${phase === 'asking' || phase === 'recording' ? html`<button type="button" class="link" data-action="cancel-recording" onClick=${onClose}>${t('cancel')}</button>` : null}
  </div>`;
}

/** The records and files of the photos taken for one parent (a clue, or a visit's record
 * with `recordType` 'visit_photo'), to queue with it in one outbox transaction. */
export function photoRecords(parentId, photos, location, note, recordType = 'evidence') {
  const mutations = [];
  const files = [];
  for (const p of photos) {
    const ev = evidence(parentId, p, { capturedAt: p.captured_at, location, note }, recordType);
    mutations.push(ev.mutation);
    files.push(...ev.files);
  }
  return { mutations, files };
}

// -- report a clue: three screens -------------------------------------------------------
const EMPTY_REPORT = { step: 1, photos: [], matter_code: '', address: '', description: '', done: null, result: '', call_back: false };

export function Report() {
  const { me, workflow, matters, departments, toast, settings } = useApp();
  // A report half filled survives a closed tab, a dead battery and an app update; a full
  // storage refuses the draft too: the form keeps it in memory, the banner has warned, and
  // the save says so in words (outbox.NotSaved).
  const draft = useDraft(`draft:report:${me.id}`, () => ({ ...EMPTY_REPORT, id: crypto.randomUUID() }));
  const { value: d, set: setD } = draft;
  const [fix, fixError, relocate] = useFix();
  const spec = workflow.records.clue.fields;
  if (!d) return null;
  // An updater: a photo finishing its hashing must not undo what was done meanwhile (a place
  // picked on the map was lost so, and the report could not go on).
  const set = (patch) => setD((current) => ({ ...current, ...patch }));
  // No fix (location denied, no signal for GPS): the place picked on the map, flagged.
  const place = fix || pickedFix(d.picked);
  // Which results go with which answer is the workflow's (sync.values): "dissuaded" says what
  // came of it, "not dissuaded" may say why (nobody present); never both.
  const fits = spec.dissuasion.results_when;
  // Or failing coordinates a written address, as long as the workflow asks (sync.place).
  const shortest = workflow.records.clue.place.address_min_length;
  const addressOnly = !place && d.address.trim().length >= shortest;
  const ready = [
    null,
    d.photos.length > 0 && (place != null || addressOnly),
    !!d.matter_code,
    d.done === false || (d.done === true && fits.done.includes(d.result)),
  ];

  async function submit() {
    const now = new Date().toISOString();
    const clueId = d.id;
    const payload = {
      matter_code: d.matter_code,
      dissuasion: d.done ? { done: true, result: d.result, at: now } : { done: false, result: d.result || null, at: null },
      call_back: !!d.call_back,
    };
    // No coordinates: the server marks it address-only (无定位).
    if (place) Object.assign(payload, { location: place, location_source: fix ? 'gps' : 'map' });
    if (d.address.trim()) payload.address = d.address.trim();
    if (d.description.trim()) payload.description = d.description.trim();
    const mutations = [{ record_type: 'clue', record_id: clueId, op: 'create', payload }];
    const photos = photoRecords(clueId, d.photos, fix);
    mutations.push(...photos.mutations);
    const warning = fixWarning(fix);
    if (!fix && place) {
      mutations.push({
        record_type: 'clue_note',
        record_id: crypto.randomUUID(),
        parent_id: clueId,
        op: 'create',
        payload: { kind: 'note', text: t('loc_picked_note', { address: d.address.trim() }) },
      });
    } else if (warning) {
      mutations.push({
        record_type: 'clue_note',
        record_id: crypto.randomUUID(),
        parent_id: clueId,
        op: 'create',
        payload: { kind: 'note', text: t('loc_flag_note', { msg: t(warning), m: fix.accuracy_m }) },
      });
    }
    await box.record(me.id, mutations, photos.files, { [draft.key]: undefined });
    toast(savedText());
    go('#/mine');
  }

  return html`<main class="wizard">
    <p class="step" aria-live="polite">${t('step', { n: d.step })}</p>
    ${
      d.step === 1 &&
      html`
      <${PhotoPicker} photos=${d.photos} setPhotos=${(update) => setD((current) => ({ ...current, photos: update(current.photos) }))} />
      <${LocationBox} fix=${fix} error=${fixError} relocate=${relocate} settings=${settings}
        picked=${d.picked} pick=${(picked) => set({ picked })} mode=${d.place_mode} setMode=${(m) => set({ place_mode: m })}
        address=${d.address} setAddress=${(a) => set({ address: a })} shortest=${shortest} />`
    }
    ${
      d.step === 2 &&
      html`
      <${MatterPicker} me=${me} matters=${matters} departments=${departments} value=${d.matter_code} onChange=${(code) => set({ matter_code: code })} />
      <${Field} label=${t('address')}>
        <input name="address" maxlength=${spec.address.max_length} value=${d.address} onInput=${(e) => set({ address: e.currentTarget.value })} />
      </${Field}>
      <${Field} label=${t('description')} hint=${t('voice_hint')}>
        <textarea name="description" rows="4" maxlength=${spec.description.max_length} value=${d.description}
          onInput=${(e) => set({ description: e.currentTarget.value })} />
      </${Field}>`
    }
    ${
      d.step === 3 &&
      html`
      <fieldset class="box">
        <legend>${t('dissuasion')} *</legend>
        <label class="radio"><input type="radio" name="done" value="done" checked=${d.done === true}
          onChange=${() => set({ done: true, result: fits.done.includes(d.result) ? d.result : '' })} /> ${t('dissuaded')}</label>
        <label class="radio"><input type="radio" name="done" value="" checked=${d.done === false && !d.result} onChange=${() => set({ done: false, result: '' })} /> ${t('not_dissuaded')}</label>
        ${fits.not_done.map(
          (why) => html`<label class="radio"><input type="radio" name="done" value=${why}
          checked=${d.done === false && d.result === why} onChange=${() => set({ done: false, result: why })} />
          ${t('not_dissuaded_because', { why: L(spec.dissuasion.labels[why]) })}</label>`,
        )}
      </fieldset>
      ${
        d.done
          ? html`<${Field} label=${`${t('result')} *`}>
        <${ChoiceSelect} name="result" spec=${{ ...spec.dissuasion, choices: fits.done }} value=${fits.done.includes(d.result) ? d.result : ''}
          onChange=${(v) => set({ result: v || '' })} required />
      </${Field}>`
          : null
      }
      <label class="radio box"><input type="checkbox" name="call_back" checked=${!!d.call_back} onChange=${(e) => set({ call_back: e.currentTarget.checked })} /> ${t('call_back')}</label>`
    }
    <div class="actions">
      ${d.step > 1 ? html`<button type="button" class="secondary" onClick=${() => set({ step: d.step - 1 })}>${t('back')}</button>` : null}
      ${
        d.step < 3
          ? html`<button type="button" class="primary" disabled=${!ready[d.step]} onClick=${() => set({ step: d.step + 1 })}>${t('next')}</button>`
          : html`<button type="button" class="primary" disabled=${!ready[3]} onClick=${() => draft.finish(submit)}>${t('submit')}</button>`
      }
    </div>
  </main>`;
}

/** The required fields a form still lacks, by their paths (party.name): what to name. */
function missingArgs(args, values, path = '') {
  return Object.entries(args).flatMap(([name, spec]) => {
    const value = values[name];
    if (spec.type === 'object') return value || spec.required ? missingArgs(spec.properties, value || {}, `${path}${name}.`) : [];
    if (spec.type === 'bool' || !spec.required) return [];
    return value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length) ? [`${path}${name}`] : [];
  });
}

// -- my reports and what became of them -----------------------------------------------
function statusLabel(workflow, rec) {
  return L(workflow.records.clue.statuses[rec.status]);
}

/** What people call the matter (占道经营), from the catalogue the phone keeps: offline too,
 * and never its code. */
export function matterShort(matters, rec) {
  const m = (matters || []).find((x) => x.code === rec.matter_code);
  return (m && (m.short_name || m.name)) || rec.matter_name || t('matter');
}

/** The photos and recordings this phone took for each clue: { blob, kind, duration_ms } (a
 * photo's compressed copy when there is one: it stays on the phone after the original's
 * bytes go). */
function useOwnPhotos(version) {
  const [byClue, setByClue] = useState(null);
  useEffect(() => {
    let alive = true;
    box.files().then(async (fs) => {
      const chosen = new Map(); // evidence id -> its file: the copy where there is one
      for (const f of fs.filter((x) => x.blob).sort((a, b) => (a.tier === 'copy' ? -1 : 1) - (b.tier === 'copy' ? -1 : 1))) {
        if (!chosen.has(f.evidence_id)) chosen.set(f.evidence_id, f);
      }
      const out = new Map();
      for (const f of chosen.values()) {
        // Photos are sealed on the phone (vault.js): an image needs the bytes opened.
        const blob = await openBlob(f.blob).catch(() => null); // locked meanwhile: none shown
        if (!blob) continue;
        const kept = out.get(f.clue_id) || new Map();
        kept.set(f.evidence_id, { blob, kind: f.kind || 'photo', duration_ms: f.duration_ms });
        out.set(f.clue_id, kept);
      }
      if (alive) setByClue(out);
    });
    return () => {
      alive = false;
    };
  }, [version]);
  return byClue;
}

/** A search box for a list on the phone: large, filtering as one types, with a clear button. */
export function SearchBox({ value, setValue, label, hint, name = 'search' }) {
  const input = useRef(null);
  return html`<div class="searchbox" role="search">
    <input ref=${input} type="search" name=${name} aria-label=${`${label}：${hint}`} placeholder=${hint} value=${value}
      enterkeyhint="search" autocomplete="off" onInput=${(e) => setValue(e.currentTarget.value)} />
    ${
      value
        ? html`<button type="button" class="clear" data-action="clear-search" aria-label=${t('search_clear')}
      onClick=${() => {
        setValue('');
        input.current && input.current.focus();
      }}>×</button>`
        : null
    }
  </div>`;
}

/** What a person would search a clue by: the matter's short and legal names, the place, the
 * description, its code and its status in words. */
function clueTexts(workflow, matters, r) {
  const m = (matters || []).find((x) => x.code === r.matter_code);
  return [m && m.short_name, m && m.name, r.matter_name, r.address, r.description, r.code, statusLabel(workflow, r)];
}

/** Nothing matched: say so, and offer the way back to the whole list. */
function NoMatch({ text, clear }) {
  return html`<div class="box no-match" role="status" data-no-match>
    <p>${text}</p>
    <button type="button" class="secondary" data-action="clear-search-empty" onClick=${clear}>${t('search_clear')}</button>
  </div>`;
}

export function MyReports() {
  const { me, workflow, matters, version } = useApp();
  const rows = useRecords('clue', workflow, me, version);
  useOpened('mine', me, workflow, version);
  const photos = useOwnPhotos(version);
  const [query, setQuery] = useState('');
  if (!rows || !photos) return null;
  const all = rows.filter((r) => r.reporter_id === me.id).sort((a, b) => (b.created_at || '').localeCompare(a.created_at || ''));
  const mine = search(all, query, (r) => clueTexts(workflow, matters, r));
  return html`<main>
    <h1>${t('my_reports')}</h1>
    ${all.length === 0 ? html`<p>${t('no_reports')}</p>` : html`<${SearchBox} value=${query} setValue=${setQuery} label=${t('search_reports')} hint=${t('search_reports_hint')} />`}
    ${all.length && !mine.length ? html`<${NoMatch} text=${t('no_match')} clear=${() => setQuery('')} />` : null}
    ${all.length && mine.length && mine.length < all.length ? html`<p class="hint" role="status" data-matches=${mine.length}>${t('match_n', { n: mine.length })}</p>` : null}
    <ul class="list">${mine.map((r) => {
      const first = photos.has(r.id) ? [...photos.get(r.id).values()][0] : null;
      return html`<li key=${r.id}><a class="row report-row" href=${`#/clue/${r.id}`} data-clue=${r.id}>
        ${first ? html`<${EvidenceTile} blob=${first.blob} kind=${first.kind} durationMs=${first.duration_ms} alt="" />` : html`<span class="thumb none" aria-hidden="true"></span>`}
        <span class="title" data-matter>${matterShort(matters, r)}</span>
        <span class="meta" data-place>${r.address || (r.location ? `${r.location.lat.toFixed(4)}, ${r.location.lng.toFixed(4)}` : '')}</span>
        <span class="meta">${when(r.created_at)}${r.code ? ` · ${r.code}` : ''}</span>
        ${r.local ? html`<${StateChip} state=${r.local} />` : html`<span class="chip st-status" data-status=${r.status}>${statusLabel(workflow, r)}</span>`}
      </a></li>`;
    })}</ul>
  </main>`;
}

export function ClueDetail({ id }) {
  const { me, workflow, matters, version, toast } = useApp();
  const rows = useRecords('clue', workflow, me, version);
  const own = useOwnPhotos(version);
  const [step, setStep] = useState(null);
  const [values, setValues] = useState({});
  if (!rows) return null;
  const rec = rows.find((r) => r.id === id);
  if (!rec) return html`<main><p>${t('no_reports')}</p></main>`;
  const steps = offered(workflow, 'clue', rec, me).filter(([name]) => name !== 'take' && name !== 'handle');
  async function run() {
    const final = workflow.records.clue.transitions[step].final;
    const args = argsValues(workflow.records.clue.transitions[step].args, values);
    await box.record(me.id, [
      { record_type: 'clue', record_id: rec.id, op: 'transition', base_version: rec.version || null, payload: { name: step, args } },
    ]);
    setStep(null);
    setValues({});
    toast(savedText());
    if (final) go('#/mine'); // the record leaves the phone (R10)
  }
  const handling = rec.handling_outcome ? L(workflow.records.clue.transitions.handle.args.outcome.labels[rec.handling_outcome]) : null;
  const mineHere = own && own.get(rec.id);
  const matter = (matters || []).find((m) => m.code === rec.matter_code);
  return html`<main>
    <h1>${matterShort(matters, rec)}</h1>
    ${matter && matter.short_name ? html`<p class="hint">${matter.name}</p>` : null}
    ${mineHere ? html`<div class="thumbs" data-own-photos=${mineHere.size}>${[...mineHere.values()].map((e, i) => html`<${EvidenceTile} blob=${e.blob} kind=${e.kind} durationMs=${e.duration_ms} alt=${`${t(e.kind === 'photo' ? 'photos' : `rec_${e.kind}`)} ${i + 1}`} />`)}</div>` : null}
    <dl class="facts">
      <dt>${t('status')}</dt><dd data-status=${rec.status}>${statusLabel(workflow, rec)} ${rec.local ? html`<${StateChip} state=${rec.local} />` : null}</dd>
      ${rec.code ? html`<dt>${t('clue')}</dt><dd>${rec.code}</dd>` : null}
      <dt>${t('reported_at')}</dt><dd>${when(rec.created_at)}</dd>
      <dt>${t('address')}</dt><dd data-place>${rec.address || t('no_address')}${rec.location ? html`<br /><span class="meta">${rec.location.lat.toFixed(5)}, ${rec.location.lng.toFixed(5)} · ${t('accuracy', { m: Math.round(rec.location.accuracy_m) })}</span>` : html`<br /><span class="meta" data-no-coords>${t('address_only')}</span>`}</dd>
      ${rec.description ? html`<dt>${t('description')}</dt><dd>${rec.description}</dd>` : null}
      ${rec.dissuasion ? html`<dt>${t('dissuasion')}</dt><dd data-dissuasion>${dissuasionText(workflow, rec.dissuasion)}</dd>` : null}
      <dt>${t('call_back_h')}</dt><dd>${rec.call_back ? t('yes') : t('no')}</dd>
      ${handling ? html`<dt>${t('handling')}</dt><dd>${handling}${rec.handling_note ? ` · ${rec.handling_note}` : ''}</dd>` : null}
      ${rec.feedback ? html`<dt>${t('feedback')}</dt><dd>${rec.feedback}</dd>` : null}
      ${rec.rating ? html`<dt>${t('rating')}</dt><dd>${'★'.repeat(rec.rating)}</dd>` : null}
    </dl>
    ${
      step
        ? html`<${StepForm} spec=${workflow.records.clue.transitions[step]} name=${step} values=${values} setValues=${setValues}
        cancel=${() => {
          setStep(null);
          setValues({});
        }} run=${run} />`
        : html`<div class="actions">${steps.map(([name, s]) => html`<button type="button" class="secondary" data-transition=${name} onClick=${() => setStep(name)}>${L(s.label)}</button>`)}</div>`
    }
  </main>`;
}

/** A step's form: what the step does first when it cannot be undone (the workflow marks it
 * final), its fields, then 取消 and a button that names the step. */
function StepForm({ spec, name, values, setValues, cancel, run }) {
  const label = L(spec.label);
  return html`<section class="box step-form" data-step=${name}><h2>${label}</h2>
    ${spec.final ? html`<p class="warn" role="alert" data-final>${t('final_warning', { step: label })}</p>` : null}
    <${ArgsForm} args=${spec.args} values=${values} setValues=${setValues} />
    <div class="actions"><button type="button" class="secondary" data-action="cancel-step" onClick=${cancel}>${t('cancel')}</button>
    <button type="button" class="primary" data-action="save-step" disabled=${!argsComplete(spec.args, values)} onClick=${run}>
      ${spec.final ? t('confirm_step', { step: label }) : t('save')}</button></div></section>`;
}

// -- officer: tasks ----------------------------------------------------------------------
/** The phone's position once, for ordering tasks: null while asked, then a point or 'none'
 * (denied, no signal, or no answer within the timeout). ``ask`` changes to ask again. */
function usePosition(ask) {
  const [here, setHere] = useState(null);
  useEffect(() => {
    if (!ask) return undefined;
    setHere(null);
    if (!navigator.geolocation) {
      setHere('none');
      return undefined;
    }
    let live = true;
    navigator.geolocation.getCurrentPosition(
      (p) => live && setHere({ lat: p.coords.latitude, lng: p.coords.longitude }),
      () => live && setHere('none'),
      { enableHighAccuracy: false, maximumAge: 60000, timeout: 15000 },
    );
    return () => {
      live = false;
    };
  }, [ask]);
  return here;
}

export function distanceText(m) {
  const [unit, n] = distanceParts(m);
  return t(unit === 'm' ? 'dist_m' : 'dist_km', { n });
}

export function Tasks() {
  const { me, workflow, matters, version } = useApp();
  const rows = useRecords('clue', workflow, me, version);
  useOpened('tasks', me, workflow, version);
  const [query, setQuery] = useState('');
  // The order chosen is kept on the phone: an officer who works by distance finds it so.
  const [order, setOrder] = useState(null);
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    getMeta(`task_sort:${me.id}`).then((kept) => {
      setOrder(kept === 'distance' ? 'distance' : 'deadline');
      if (kept === 'distance') setAsked(1);
    });
  }, []);
  const here = usePosition(order === 'distance' ? asked : 0);
  if (!rows || !order) return null;
  function choose(o) {
    setOrder(o);
    setMeta(`task_sort:${me.id}`, o).catch(() => {});
    if (o === 'distance') setAsked(asked + 1); // a new position each time it is chosen
  }
  const now = Date.now();
  const all = rows.filter((r) => isMyTask(r, me)).sort((a, b) => (a.deadline || '9').localeCompare(b.deadline || '9'));
  const found = search(all, query, (r) => clueTexts(workflow, matters, r));
  const measured = order === 'distance' && here && here !== 'none';
  const mine = measured ? byDistance(found, here, (r) => r.location) : found.map((record) => ({ record, metres: null }));
  return html`<main>
    <h1>${t('tasks')}</h1>
    ${
      all.length
        ? html`<${SearchBox} value=${query} setValue=${setQuery} label=${t('search_tasks')} hint=${t('search_reports_hint')} />
      <div class="segmented" role="radiogroup" aria-label=${t('sort_by')}>
        ${['deadline', 'distance'].map(
          (o) => html`<button type="button" role="radio" aria-checked=${order === o} data-sort=${o}
          class=${order === o ? 'on' : ''} onClick=${() => choose(o)}>${t(`sort_${o}`)}</button>`,
        )}
      </div>
      ${order === 'distance' && here === null ? html`<p class="hint" role="status" data-locating>${t('sort_locating')}</p>` : null}
      ${order === 'distance' && here === 'none' ? html`<p class="warn" role="alert" data-no-fix>${t('sort_no_fix')}</p>` : null}`
        : null
    }
    ${all.length === 0 ? html`<p>${t('no_tasks')}</p>` : null}
    ${all.length && !found.length ? html`<${NoMatch} text=${t('no_match_tasks')} clear=${() => setQuery('')} />` : null}
    <ul class="list" data-order=${measured ? 'distance' : 'deadline'}>${mine.map(({ record: r, metres }) => {
      const late = r.deadline && Date.parse(r.deadline) < now;
      return html`<li key=${r.id}><a class=${`row ${late ? 'late' : ''}`} href=${`#/task/${r.id}`} data-task=${r.id}>
        <span class="title">${r.matter_name || r.matter_code}</span>
        ${measured ? html`<span class="distance" data-distance=${metres == null ? '' : Math.round(metres)}>${metres == null ? t('no_place_here') : distanceText(metres)}</span>` : null}
        <span class="meta">${r.address || ''} · ${r.deadline ? t('deadline', { t: when(r.deadline) }) : ''} ${late ? html`<strong class="overdue">${t('overdue')}</strong>` : ''}</span>
        <span class="chip st-status" data-status=${r.status}>${statusLabel(workflow, r)}</span>
        ${r.local ? html`<${StateChip} state=${r.local} />` : null}
      </a></li>`;
    })}</ul>
  </main>`;
}

// A case opened on the spot starts from what the officer saw; the rest of its facts he fills.
function caseFields(workflow) {
  const { matter_code: _, ...fields } = workflow.records.case.fields;
  return fields;
}

// -- what and where, for the officer -----------------------------------------------------
const thumbCache = new Map(); // evidence id -> blob: a task opened again shows them at once

/** Photos the server holds, shown from its thumbnails (online); offline, how many wait. */
function ServerPhotos({ items }) {
  const [blobs, setBlobs] = useState(() =>
    Object.fromEntries(items.filter((e) => thumbCache.has(e.id)).map((e) => [e.id, thumbCache.get(e.id)])),
  );
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    for (const e of items.filter((x) => !thumbCache.has(x.id))) {
      authedBlob(`/evidence/${e.id}/files/thumb`).then(
        (b) => {
          thumbCache.set(e.id, b);
          setBlobs((now) => ({ ...now, [e.id]: b }));
        },
        () => setFailed(true),
      );
    }
  }, [items.map((e) => e.id).join()]);
  if (!items.length) return html`<p class="hint">${t('no_photos')}</p>`;
  return html`<div class="thumbs" data-reporter-photos=${items.length}>
    ${items.map((e, i) => (blobs[e.id] ? html`<${BlobImage} blob=${blobs[e.id]} alt=${`${t('photos')} ${i + 1}`} />` : null))}
    ${failed && Object.keys(blobs).length < items.length ? html`<p class="hint">${t('photos_online', { n: items.length })}</p>` : null}
  </div>`;
}

/** Links the phone's own map apps open: geo: (any Android map), 高德 and 百度 (their web
 * pages hand over to the app when it is installed). Coordinates are WGS84, as recorded. */
export function navLinks(lat, lng, name) {
  const label = encodeURIComponent(name || '');
  return {
    geo: `geo:${lat},${lng}?q=${lat},${lng}(${label})`,
    amap: `https://uri.amap.com/marker?position=${lng},${lat}&name=${label}&coordinate=wgs84&callnative=1`,
    baidu: `https://api.map.baidu.com/marker?location=${lat},${lng}&title=${label}&content=${label}&coord_type=wgs84&output=html&src=webapp.fieldcase`,
  };
}

/** Where the clue is: the address in words, a small map, and the way there. */
function Place({ rec, settings }) {
  const loc = rec.location;
  // One point, the same array while it stays (a new one redraws the map on every render);
  // no accuracy circle: the canvas it needs can still be drawing when the page is left.
  const points = useMemo(
    () => (loc ? [{ id: rec.id, lat: loc.lat, lng: loc.lng, label: rec.address || '' }] : []),
    [rec.id, loc && loc.lat, loc && loc.lng],
  );
  const nav = loc && navLinks(loc.lat, loc.lng, rec.address || rec.matter_name);
  return html`<section class="box place">
    <h2>${t('place_h')}</h2>
    <p class="address" data-address>${rec.address || t('no_address')}</p>
    ${
      loc
        ? html`<p class="meta">${loc.lat.toFixed(5)}, ${loc.lng.toFixed(5)} · ${t('accuracy', { m: Math.round(loc.accuracy_m) })}</p>
      <${MapView} points=${points} tiles=${settings && settings.map} height=${180} />
      <div class="actions wrap nav">
        <a class="big primary" data-nav="geo" href=${nav.geo}>${t('navigate')}</a>
        <a class="big" data-nav="amap" href=${nav.amap} target="_blank" rel="noopener">${t('amap')}</a>
        <a class="big" data-nav="baidu" href=${nav.baidu} target="_blank" rel="noopener">${t('baidu')}</a>
      </div>`
        : null
    }
  </section>`;
}

/** What the reporter saw: his photos, his words, whether he dissuaded, and his number where
 * he agreed to be called (the server sends it only then). */
function Reported({ rec, workflow, me, version }) {
  const evidence = useRecords('evidence', workflow, me, version);
  const photos = (evidence || []).filter((e) => e.clue_id === rec.id && e.author_id === rec.reporter_id && e.status !== 'excluded');
  const dis = rec.dissuasion;
  return html`<section class="box reported">
    <h2>${t('reported_h')}</h2>
    ${evidence ? html`<${ServerPhotos} items=${photos} />` : null}
    <dl class="facts">
      <dt>${t('reporter')}</dt><dd>${rec.reporter_name || ''} · ${when(rec.created_at)}</dd>
      ${rec.description ? html`<dt>${t('description')}</dt><dd>${rec.description}</dd>` : null}
      ${dis ? html`<dt>${t('dissuasion')}</dt><dd>${dissuasionText(workflow, dis)}</dd>` : null}
    </dl>
    ${rec.reporter_phone ? html`<a class="big" data-call href=${`tel:${rec.reporter_phone}`}>${t('call_reporter', { name: rec.reporter_name || '', phone: rec.reporter_phone })}</a>` : null}
  </section>`;
}

function dissuasionText(workflow, dis) {
  const result = L(workflow.records.clue.fields.dissuasion.labels[dis.result]);
  if (!dis.done) return result ? t('not_dissuaded_because', { why: result }) : t('not_dissuaded');
  return `${t('dissuaded')}${result ? ` · ${result}` : ''}${dis.at ? ` · ${when(dis.at)}` : ''}`;
}

const EMPTY_HANDLING = {
  co: '',
  findings: '',
  certificates_shown: false,
  party_present: true,
  outcome: '',
  note: '',
  refused: false,
};

/** A task's handling as a draft (draft.js): the photos and recordings taken there, with
 * their capture times and hashes, what is typed, the case proposed and the party's signature
 * (with the text he signed). */
function newHandling() {
  return {
    photos: [],
    form: { ...EMPTY_HANDLING },
    kase: { procedure: 'general', party: { kind: 'person' }, violation_on: today() },
    signature: null,
  };
}

/** "2 photos · 1 recording", as the record the party signs names its evidence (a
 * recording is not a photo). */
function evidenceCount(items) {
  const recordings = items.filter((p) => p.kind === 'audio' || p.kind === 'video').length;
  const pictures = t('photo_n', { n: items.length - recordings });
  return recordings ? `${pictures} · ${t('recording_n', { n: recordings })}` : pictures;
}

export function TaskDetail({ id }) {
  const { me, workflow, version, people, toast, settings } = useApp();
  const rows = useRecords('clue', workflow, me, version);
  const [fix, fixError, relocate] = useFix();
  // Every photo and recording taken here and every word typed is on the phone's storage the
  // moment it is: a reload, a killed tab or a phone out of memory loses none of it.
  const draft = useDraft(`draft:task:${me.id}:${id}`, newHandling);
  const d = draft.value || newHandling();
  const { photos, form, kase } = d;
  const setPart = (part) => (next) => draft.set((c) => ({ ...c, [part]: typeof next === 'function' ? next(c[part]) : next }));
  const setPhotos = setPart('photos');
  const setForm = setPart('form');
  const setCase = setPart('kase');
  const [startedAt, setStartedAt] = useState(null);
  // What the party signs is the text before him: a change to it asks for his signature again.
  // The draft keeps his signature with the text it was drawn under, so a reload shows it
  // again only while that text stands.
  const signed = `${form.co}|${form.findings}|${form.certificates_shown}|${form.outcome}|${photos.length}`;
  const signature = d.signature && d.signature.text === signed ? d.signature.blob : null;
  const setSignature = (blob) => draft.set((c) => ({ ...c, signature: blob ? { blob, text: signed } : null }));
  const found = rows && rows.find((r) => r.id === id);
  const handling = !!found && offered(workflow, 'clue', found, me).some(([name]) => name === 'handle');
  useEffect(() => {
    // The inspection starts when its form is first shown, and keeps that time on the phone:
    // the camera app or a dead battery reloading the page does not restart its clock.
    if (!handling) return;
    const key = `inspection_start:${id}`;
    getMeta(key).then((kept) => {
      const start = kept || new Date().toISOString();
      if (!kept) setMeta(key, start).catch(() => {});
      setStartedAt(start);
    });
  }, [handling, id]);
  if (!rows || !draft.value) return null;
  const rec = found;
  if (!rec) return html`<main><p>${t('no_tasks')}</p></main>`;
  const steps = Object.fromEntries(offered(workflow, 'clue', rec, me));
  const handleSpec = workflow.records.clue.transitions.handle;
  const set = (patch) => setForm((current) => ({ ...current, ...patch }));
  const opening = form.outcome === 'case_opened';
  const fields = caseFields(workflow);

  async function take() {
    await box.record(me.id, [
      { record_type: 'clue', record_id: rec.id, op: 'transition', base_version: rec.version || null, payload: { name: 'take', args: {} } },
    ]);
    toast(savedText());
  }

  async function handle() {
    const record = photoRecords(rec.id, photos, fix);
    let signatureSha = null;
    if (signature && !form.refused) {
      const sig = await prepare(new File([signature], 'signature.png', { type: 'image/png' }));
      const ev = evidence(rec.id, sig, { capturedAt: new Date().toISOString(), location: fix, note: t('signature') });
      record.mutations.push(ev.mutation);
      record.files.push(...ev.files);
      signatureSha = sig.original.sha256;
    }
    // The draft goes with the records it became, in their transaction: saved once. And the
    // signature the case's documents carry.
    const meta = { [`inspection_start:${rec.id}`]: undefined, [draft.key]: undefined };
    if (opening) {
      // 立案申请 and the on-site inspection record (art. 42), with the clue as their parent.
      const caseId = crypto.randomUUID();
      record.mutations.push({
        record_type: 'case',
        record_id: caseId,
        parent_id: rec.id,
        op: 'create',
        payload: { matter_code: rec.matter_code, ...argsValues(fields, kase) },
      });
      record.mutations.push({
        record_type: 'inspection',
        record_id: crypto.randomUUID(),
        parent_id: caseId,
        op: 'create',
        payload: inspectionPayload(me, people, form, {
          startedAt: startedAt || new Date().toISOString(),
          place,
          fix,
          refused: form.refused,
        }),
      });
      if (signatureSha) meta[`signature:${caseId}`] = signatureSha;
    } else {
      const partner = partnersOf(me, people).find((p) => String(p.id) === form.co);
      const lines = [
        `${t('findings')}：${form.findings.trim()}`,
        `${t('co_officer')}：${me.display_name}（${me.certificate_no || ''}）、${partner.display_name}（${partner.certificate_no}）`,
        `${t('signature')}：${form.refused ? t('party_refused') : '✓'}`,
      ];
      if (fix) lines.push(`${t('location')}：${fix.lat.toFixed(6)}, ${fix.lng.toFixed(6)} ±${Math.round(fix.accuracy_m)}m`);
      record.mutations.push({
        record_type: 'clue_note',
        record_id: crypto.randomUUID(),
        parent_id: rec.id,
        op: 'create',
        payload: { kind: 'handling', text: lines.join('\n') },
      });
    }
    const args = { outcome: form.outcome };
    if (form.note.trim()) args.note = form.note.trim();
    record.mutations.push({
      record_type: 'clue',
      record_id: rec.id,
      op: 'transition',
      base_version: rec.version || null,
      payload: { name: 'handle', args },
    });
    await box.record(me.id, record.mutations, record.files, meta);
    toast(t('handled_toast'));
    go(opening ? '#/cases' : '#/tasks');
  }

  // What the record still lacks, named as the officer fills it in; the party signs last,
  // once he has the record's text before him.
  const lacking = [
    ...(!form.co ? [t('co_officer')] : []),
    ...(!form.findings.trim() ? [t('findings')] : []),
    ...(!form.certificates_shown ? [t('certificates_shown')] : []),
    ...(!form.outcome ? [t('outcome')] : []),
    ...(opening ? missingArgs(fields, kase).map((k) => `${t('case_proposal')}：${t(k) !== k ? t(k) : t(k.split('.').pop())}`) : []),
  ];
  const readyToSign = lacking.length === 0;
  if (!(signature || form.refused)) lacking.push(t('signature_or_refusal'));
  const complete = lacking.length === 0;
  const partner = partnersOf(me, people).find((p) => String(p.id) === form.co);
  const place = rec.address || (rec.location ? `${rec.location.lat.toFixed(6)}, ${rec.location.lng.toFixed(6)}` : '');
  return html`<main>
    <h1>${rec.matter_name || rec.matter_code}</h1>
    <dl class="facts">
      <dt>${t('status')}</dt><dd data-status=${rec.status}>${statusLabel(workflow, rec)} ${rec.local ? html`<${StateChip} state=${rec.local} />` : null}</dd>
      ${rec.deadline ? html`<dt>${t('deadline', { t: '' })}</dt><dd>${when(rec.deadline)}</dd>` : null}
    </dl>
    <${Place} rec=${rec} settings=${settings} />
    <${Reported} rec=${rec} workflow=${workflow} me=${me} version=${version} />
    ${steps.take ? html`<div class="actions"><button type="button" class="primary" data-transition="take" onClick=${take}>${L(steps.take.label)}</button></div>` : null}
    ${
      steps.handle
        ? html`<form class="handle" onSubmit=${(e) => {
            e.preventDefault();
            if (complete) draft.finish(handle);
          }}>
      <h2>${t('handle')}</h2>
      <${DraftBar} draft=${draft} />
      <${InspectionFields} me=${me} people=${people} form=${form} setForm=${setForm} />
      <${PhotoPicker} photos=${photos} setPhotos=${setPhotos} name="evidence" />
      <${LocationBox} fix=${fix} error=${fixError} relocate=${relocate} />
      <${Field} label=${`${t('outcome')} *`}>
        <${ChoiceSelect} name="outcome" spec=${handleSpec.args.outcome} value=${form.outcome}
          onChange=${(v) => {
            set({ outcome: v || '' });
            if (v === 'case_opened' && !kase.facts) setCase({ ...kase, facts: form.findings });
          }} required />
      </${Field}>
      ${
        opening
          ? html`<section class="box case-form"><h2>${t('case_proposal')}</h2>
        <p class="hint">${t('case_proposal_hint')}</p>
        <${ArgsForm} args=${fields} values=${kase} setValues=${setCase} />
      </section>`
          : null
      }
      <${Field} label=${t('note')}>
        <textarea name="note" rows="2" maxlength=${handleSpec.args.note.max_length} value=${form.note} onInput=${(e) => set({ note: e.currentTarget.value })} />
      </${Field}>
      <section class="box record-text" data-record-text>
        <h2>${t('record_text_h')}</h2>
        <dl class="facts">
          <dt>${t('inspection_time')}</dt><dd>${startedAt ? t('since', { t: when(startedAt) }) : ''}</dd>
          <dt>${t('place')}</dt><dd>${place}</dd>
          <dt>${t('officers')}</dt><dd>${me.display_name}（${me.certificate_no || ''}）${partner ? `、${partner.display_name}（${partner.certificate_no}）` : ''}</dd>
          <dt>${t('findings')}</dt><dd>${form.findings}</dd>
          <dt>${t('evidence')}</dt><dd>${evidenceCount(photos)}</dd>
          <dt>${t('outcome')}</dt><dd>${form.outcome ? L(handleSpec.args.outcome.labels[form.outcome]) : ''}</dd>
        </dl>
      </section>
      <section class="box"><h2>${t('signature')}</h2>
        ${
          !readyToSign
            ? html`<p class="hint" data-sign-later>${t('sign_after')}</p>`
            : form.refused
              ? null
              : html`<p class="hint">${t('sign_hint')}</p><${SignaturePad} key=${signed} initial=${signature} onChange=${setSignature} />`
        }
        <label class="radio"><input type="checkbox" name="refused" checked=${form.refused} onChange=${(e) => set({ refused: e.currentTarget.checked })} /> ${t('party_refused')}</label>
      </section>
      ${
        lacking.length
          ? html`<div class="box missing" role="status" aria-live="polite"><strong>${t('still_missing')}</strong>
        <ul>${lacking.map((x) => html`<li data-missing>${x}</li>`)}</ul></div>`
          : null
      }
      <div class="actions"><button type="submit" class="primary" disabled=${!complete}>${t('save')}</button></div>
    </form>`
        : null
    }
  </main>`;
}

// -- the outbox ------------------------------------------------------------------------------
/** What an outbox entry is, in words: the step's name, or the record's (from the workflow,
 * so a new record type never shows its code, as kind_inspection did). */
function kindOf(m, workflow) {
  const spec = workflow.records[m.record_type];
  if (m.op === 'transition') {
    const step = spec && m.payload && spec.transitions[m.payload.name];
    return step ? L(step.label) : t('kind_transition');
  }
  if (m.record_type === 'clue' && m.op === 'create') return t('kind_clue');
  return spec ? L(spec.label) : t('kind_transition');
}

export function Outbox({ progress, children }) {
  const { workflow, version } = useApp();
  const [data, setData] = useState(null);
  useEffect(() => {
    Promise.all([box.entries(), box.files()]).then(([es, fs]) => setData({ es, fs }));
  }, [version]);
  if (!data) return null;
  const order = { attention: 0, sending: 1, pending: 2, waiting: 3, done: 4, held: 4 };
  const es = [...data.es].sort((a, b) => order[a.state] - order[b.state] || b.seq - a.seq).slice(0, 200);
  const fs = [...data.fs].sort((a, b) => order[a.state] - order[b.state]);
  return html`<main>
    <h1>${t('outbox')}</h1>
    <ul class="list outbox">${es.map((e) => {
      const m = e.mutation;
      const label = m.op === 'transition' ? L(workflow.records[m.record_type].transitions[m.payload.name]?.label) : '';
      return html`<li class="row" data-mutation=${m.id} data-state=${e.state}>
        <span class="title">${kindOf(m, workflow)} ${label}</span>
        <span class="meta">${when(e.created_at)}</span>
        <${StateChip} state=${e.state} />
        ${
          e.state === 'attention'
            ? html`<p class="reason" role="alert" data-reason=${e.result && e.result.reason}>${reasonText(workflow, e.result)}</p>
          <button type="button" class="secondary small" data-action="acknowledge" onClick=${() => box.acknowledge(e.seq)}>${t('acknowledge')}</button>`
            : null
        }
        ${e.acknowledged_at ? html`<p class="hint">${reasonText(workflow, e.result)}</p>` : null}
        ${e.result && e.result.outcome === 'conflict' ? html`<p class="hint">${t('conflict_kept')}</p>` : null}
        ${e.state === 'waiting' ? html`<p class="hint" data-note="waiting" data-reason=${e.result && e.result.reason}>${t('waiting_note')}</p>` : null}
      </li>`;
    })}</ul>
    <h2>${t('photos')}</h2>
    <ul class="list outbox">${fs.map((f) => {
      const p = progress[f.key];
      return html`<li class="row" data-file=${f.key} data-state=${f.state}>
        <span class="title">${t('photo_state')} · ${t(f.tier)} · ${Math.round(f.size / 1024)} KB</span>
        ${p ? html`<progress max=${p[1]} value=${p[0]} aria-label=${t('sending')}></progress>` : null}
        <${StateChip} state=${f.state} />
        ${f.state === 'attention' ? html`<p class="reason" role="alert">HTTP ${f.error}</p>` : null}
      </li>`;
    })}</ul>
  ${children}
  </main>`;
}
