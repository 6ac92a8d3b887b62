// The catalogue page's pure parts (catalogue.js), tested with node --test.
import { yuanToFen } from './money.js';

export const FIELDS = ['legal_basis', 'penalty_basis', 'penalty_range'];

/** Whether a matter answers a search: its name, short name or code holds every word. */
export function matchers(matter, query) {
  const hay = [matter.name, matter.short_name, matter.code].filter(Boolean).join(' ').toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

/** What the form holds as the server wants it (PATCH /matters/{code}), or the first thing
 * missing: the provision violated, or a discretion level by its place. */
export function matterChange(form) {
  const change = {};
  for (const f of FIELDS) change[f] = form[f].trim() || (f === 'penalty_basis' ? null : '');
  if (!change.legal_basis) return { missing: 'legal_basis' };
  const levels = [];
  for (const [i, lv] of form.levels.entries()) {
    const fine = [yuanToFen(lv.min), yuanToFen(lv.max)];
    if (!lv.level.trim() || !lv.condition.trim() || fine.includes(null) || fine[0] > fine[1]) return { missing: `level:${i}` };
    levels.push({ level: lv.level.trim(), condition: lv.condition.trim(), fine_fen: fine });
  }
  change.discretion = levels;
  return { change };
}
