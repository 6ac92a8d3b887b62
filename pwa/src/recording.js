// Sound and video as evidence (全过程记录): recorded on the phone with MediaRecorder, or taken
// from the phone's own recorder or camera app. The bytes are hashed the moment the recording
// is kept, and then go the photo's way: sealed in IndexedDB, queued, sent by tus
// (photos.js `evidence`, sync.js). What a kind may be (its media types, its size and its
// longest duration) is the workflow's (`workflow.records.evidence.kinds`), never copied here.
import { sha256 } from './photos.js';

// What a browser's recorder may write, best first: MP4 has its length in its header and
// plays everywhere (iPhones record nothing else); WebM is what older Chromes write.
const RECORDER_TYPES = {
  audio: ['audio/mp4', 'audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus'],
  video: ['video/mp4', 'video/webm;codecs=vp8,opus', 'video/webm'],
};

/** A media type without its parameters (`video/webm;codecs=vp8` → `video/webm`). */
export function baseType(type) {
  return (type || '').split(';')[0].trim().toLowerCase();
}

/** The recorder's type for `kind`: one the workflow accepts and this browser can write, or
 * null (no MediaRecorder, or nothing in common). */
export function recorderType(kind, kinds, Recorder = globalThis.MediaRecorder) {
  const spec = kinds && kinds[kind];
  if (!spec || !Recorder || typeof Recorder.isTypeSupported !== 'function') return null;
  return RECORDER_TYPES[kind].find((t) => spec.media_types.includes(baseType(t)) && Recorder.isTypeSupported(t)) || null;
}

/** The real container from the first bytes, as the server's ffprobe will see it: a phone's
 * file picker may say `audio/x-m4a`, `audio/aac` or nothing. */
export async function sniffRecording(blob, kind) {
  const b = new Uint8Array(await blob.slice(0, 12).arrayBuffer());
  const ascii = (from, to) => String.fromCharCode(...b.subarray(from, to));
  if (ascii(4, 8) === 'ftyp') {
    if (kind === 'video' && ascii(8, 12) === 'qt  ') return 'video/quicktime';
    return `${kind}/mp4`;
  }
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return `${kind}/webm`;
  if (ascii(0, 4) === 'OggS') return kind === 'audio' ? 'audio/ogg' : null;
  if (kind === 'audio' && (ascii(0, 3) === 'ID3' || (b[0] === 0xff && (b[1] & 0xe0) === 0xe0))) return 'audio/mpeg';
  return null;
}

/** How long a file plays, as this browser reads it (ms), or null where it cannot tell (a
 * WebM without its length): the server measures it anyway. */
export function playLength(blob, kind) {
  return new Promise((resolve) => {
    const el = document.createElement(kind === 'video' ? 'video' : 'audio');
    const url = URL.createObjectURL(blob);
    const done = (ms) => {
      URL.revokeObjectURL(url);
      resolve(ms);
    };
    el.preload = 'metadata';
    el.onloadedmetadata = () => done(Number.isFinite(el.duration) && el.duration > 0 ? Math.round(el.duration * 1000) : null);
    el.onerror = () => done(null);
    setTimeout(() => done(null), 5000);
    el.src = url;
  });
}

export class NotFit extends Error {
  constructor(reason) {
    super(reason);
    this.reason = reason; // an i18n key
  }
}

/** A recording ready to queue, like photos.prepare's answer: { kind, original, copy: null,
 * duration_ms }, its SHA-256 taken now from the exact bytes; or throws NotFit. */
export async function prepareRecording(blob, kind, kinds, { mediaType = null, durationMs = null } = {}) {
  const spec = kinds[kind];
  const type = mediaType || (await sniffRecording(blob, kind));
  if (!type || !spec.media_types.includes(type)) throw new NotFit('rec_bad');
  if (blob.size === 0) throw new NotFit('rec_empty');
  if (blob.size > spec.max_size) throw new NotFit('rec_too_big');
  const ms = durationMs ?? (await playLength(blob, kind));
  if (ms != null && ms > spec.max_seconds * 1000 + 1000) throw new NotFit('rec_too_long');
  const original = { blob, sha256: await sha256(blob), size: blob.size, media_type: type };
  return { kind, original, copy: null, duration_ms: ms };
}

/** 0:07, 12:30, 1:02:03 */
export function clock(ms) {
  const s = Math.max(0, Math.floor((ms || 0) / 1000));
  const two = (n) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  return h ? `${h}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}` : `${Math.floor(s / 60)}:${two(s % 60)}`;
}

/** What the microphone or camera answered, as an i18n key. */
export function refusal(err) {
  const name = err && err.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'rec_denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'rec_no_device';
  if (name === 'NotReadableError') return 'rec_busy';
  return 'rec_failed';
}

/** Asks for the microphone (and the rear camera for a video); the stream, or throws. */
export function openDevices(kind) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return Promise.reject(Object.assign(new Error('no getUserMedia'), { name: 'NotFoundError' }));
  }
  const video = kind === 'video' ? { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } } : false;
  return navigator.mediaDevices.getUserMedia({ audio: true, video });
}
