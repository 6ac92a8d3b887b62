// A photo as evidence: the original's SHA-256 computed here, at capture, before anything else
// touches the bytes; a compressed copy (JPEG, 1600 px) made on the phone's canvas to go first
// on a bad network. The original is never re-encoded.
const COPY_EDGE = 1600;
const COPY_QUALITY = 0.7;
const COPY_WORTH_IT = 400 * 1024; // a smaller original goes as it is, without a copy

export async function sha256(blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The real type from the first bytes: a phone's file picker may not say, or say wrong. */
export async function sniff(blob) {
  const b = new Uint8Array(await blob.slice(0, 12).arrayBuffer());
  const ascii = (from, to) => String.fromCharCode(...b.subarray(from, to));
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b[0] === 0x89 && ascii(1, 4) === 'PNG') return 'image/png';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(4, 8) === 'ftyp' && ['heic', 'heix', 'mif1', 'msf1'].includes(ascii(8, 12))) {
    return 'image/heic';
  }
  return null;
}

async function compressedCopy(blob) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    return null; // a format this browser cannot draw (HEIC on most phones): original only
  }
  const scale = Math.min(1, COPY_EDGE / Math.max(bitmap.width, bitmap.height));
  const w = Math.round(bitmap.width * scale);
  const h = Math.round(bitmap.height * scale);
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  canvas.getContext('2d').drawImage(bitmap, 0, 0, w, h);
  bitmap.close();
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', COPY_QUALITY));
}

/** Returns { original, copy|null } with sha256, size, media_type and the blob; or throws. */
export async function prepare(file) {
  const mediaType = await sniff(file);
  if (!mediaType) throw new Error('not_an_image');
  const original = { blob: file, sha256: await sha256(file), size: file.size, media_type: mediaType };
  let copy = null;
  if (file.size > COPY_WORTH_IT) {
    const blob = await compressedCopy(file);
    if (blob && blob.size < file.size) {
      copy = { blob, sha256: await sha256(blob), size: blob.size, media_type: 'image/jpeg' };
    }
  }
  return { original, copy, url: URL.createObjectURL(copy ? copy.blob : file) };
}

export function declared(f) {
  return f ? { sha256: f.sha256, size: f.size, media_type: f.media_type } : undefined;
}

/** The evidence mutation and its files for one prepared photo: a clue's (`evidence`), or a
 * visit's (`visit_photo`, its parent the visit's record). Both are the same record to the
 * server, with the same upload and checks; only the parent differs. A recording
 * (recording.js) goes the same way, as its kind, with no copy; its length is the server's to
 * measure, kept with the file here only to show it on the phone. */
export function evidence(parentId, photo, { capturedAt, location, note }, recordType = 'evidence') {
  const id = crypto.randomUUID();
  const kind = photo.kind || 'photo';
  const payload = {
    kind,
    original: declared(photo.original),
    captured_at: capturedAt,
  };
  if (photo.copy) payload.copy = declared(photo.copy);
  if (location) payload.location = location;
  if (note) payload.note = note;
  const parent = recordType === 'evidence' ? { clue_id: parentId } : { visit_record_id: parentId };
  const shown = kind === 'photo' ? {} : { kind, duration_ms: photo.duration_ms ?? null };
  const files = [{ evidence_id: id, ...parent, tier: 'original', ...shown, ...photo.original }];
  if (photo.copy) files.push({ evidence_id: id, ...parent, tier: 'copy', ...photo.copy });
  return {
    mutation: { record_type: recordType, record_id: id, parent_id: parentId, op: 'create', payload },
    files,
  };
}
