// Money as people type and read it, and as the records keep it (whole fen). Pure.

/** Yuan as a person types it, to the whole fen the records keep (no float drift). */
export function yuanToFen(text) {
  const m = /^\s*(\d{1,11})(?:\.(\d{0,2}))?\s*$/.exec(text || '');
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}

export function fenToYuan(fen) {
  if (fen == null) return '';
  return `${Math.floor(fen / 100)}${fen % 100 ? `.${String(fen % 100).padStart(2, '0')}` : ''}`;
}
