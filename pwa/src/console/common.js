// What the console's screens share: the people an officer step offers, the label a record goes
// by, a fetched resource, how a value is shown, and the calendar's day list.
import { useEffect, useState } from 'preact/hooks';
import { Offline } from '../api.js';
import { L, t, when } from '../i18n.js';
import { authed } from '../session.js';
import { haversine } from '../search.js';

export const HOUR = 3600000;
// Who supervises at the desk; a department's user who holds none of these sees only what is
// addressed to his department.
export const SUPERVISING_ROLES = ['dispatcher', 'leader', 'reviewer', 'admin'];

export function go(hash) {
  window.location.hash = hash;
}

/** The people as the workflow's "officer" arg needs them: certified officers of my units. */
export function officers(people) {
  return (people || []).filter((p) => (p.roles || []).includes('officer') && p.active !== false);
}

/**
 * Who to assign: each officer with his open tasks and how far his last known position (the
 * place of the last clue he took or reported) is from this clue; least loaded, then nearest.
 */
export function assignees(people, clues, target, running) {
  return officers(people)
    .map((p) => {
      const his = clues.filter((c) => c.taken_by === p.id || c.assignee_id === p.id || c.reporter_id === p.id);
      const open = his.filter((c) => running.includes(c.status) && (c.taken_by === p.id || c.assignee_id === p.id)).length;
      const last = his
        .filter((c) => c.location && c.id !== target.id)
        .sort((a, b) => (b.taken_at || b.created_at || '').localeCompare(a.taken_at || a.created_at || ''))[0];
      const distance = last && target.location ? haversine(last.location, target.location) : null;
      return { person: p, open, distance };
    })
    .sort(
      (a, b) =>
        a.open - b.open ||
        (a.distance ?? Infinity) - (b.distance ?? Infinity) ||
        a.person.display_name.localeCompare(b.person.display_name),
    );
}

export function km(m) {
  if (m == null) return '';
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`;
}

// -- the inbox -----------------------------------------------------------------------------

export function title(type, rec, matters, departments, me, workflow) {
  if (type === 'conflict') {
    // The field and the record by their names, never their codes ("位置 · 线索", not "clue").
    const spec = workflow && workflow.records[rec.record_type];
    return `${t(rec.field)} · ${spec ? L(spec.label) : t('kind_transition')}`;
  }
  if (type === 'collaboration') {
    // The department's own desk needs no department's name: what is asked says it all.
    if (me && me.roles.includes('department')) return (rec.question || '').slice(0, 60);
    const dept = (departments || []).find((d) => d.code === rec.department);
    return `${(dept && dept.name) || rec.department || ''} · ${(rec.question || '').slice(0, 40)}`;
  }
  const matter = matters.find((m) => m.code === rec.matter_code);
  const name = rec.matter_name || (matter && matter.name) || rec.matter_code || '';
  return type === 'case' && rec.party ? `${rec.party.name} · ${name}` : name;
}

export function useFetched(path, deps) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (!path) return undefined; // nothing wanted (yet)
    let alive = true;
    authed(path).then(
      (d) => alive && setData(d),
      (e) => alive && setError(e instanceof Offline ? 'offline' : e.message),
    );
    return () => {
      alive = false;
    };
  }, deps);
  return [data, error];
}

export function value(v) {
  if (v == null) return '—';
  if (typeof v === 'boolean') return t(v ? 'yes' : 'no');
  if (typeof v !== 'object') return String(v);
  if ('lat' in v && 'lng' in v) {
    const at = `${Number(v.lat).toFixed(5)}, ${Number(v.lng).toFixed(5)}`;
    return v.accuracy_m != null ? `${at} · ${t('accuracy', { m: Math.round(v.accuracy_m) })}` : at;
  }
  if ('done' in v) return [t(v.done ? 'dissuaded' : 'not_dissuaded'), v.result, v.at && when(v.at)].filter(Boolean).join('，');
  return Object.entries(v)
    .filter(([, x]) => x != null)
    .map(([k, x]) => `${t(k)}：${value(x)}`)
    .join('；');
}

export function same(a, b) {
  if (a && b && typeof a === 'object' && 'lat' in a) return a.lat === b.lat && a.lng === b.lng;
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Whether R8 flagged ``other`` as a possible duplicate of ``rec``. */
export function twin(rec, other) {
  return (rec.possible_duplicates || []).some((d) => d.clue_id === other.id);
}

/** "2027-01-01, 2027-10-01~2027-10-07": the days a State Council notice lists, a range
 * spelled out. Day strings as typed; the server says which one is wrong and why. */
export function days(text) {
  const out = [];
  for (const part of text.split(/[\s,，、;；]+/).filter(Boolean)) {
    const [a, b] = part.split(/~|～|\.\./);
    if (!b || Number.isNaN(Date.parse(a)) || Number.isNaN(Date.parse(b)) || b < a) {
      out.push(part);
      continue;
    }
    for (let d = new Date(`${a}T00:00:00Z`); d.toISOString().slice(0, 10) <= b; d.setUTCDate(d.getUTCDate() + 1)) {
      out.push(d.toISOString().slice(0, 10));
    }
  }
  return out;
}
