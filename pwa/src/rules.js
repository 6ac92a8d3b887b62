// The workflow's rules the phone applies itself, offline, before the server has answered:
// who may take a step (sync.rules.may), what a step sets (sync.rules.step_sets), and where a
// record stands on its clocks (the due days of sync.legal, warned at the workflow's bands).
// The server decides in the end; these only keep the screens honest meanwhile. Each is a copy
// of Python code, so pwa/test/rules.test.js holds it to vectors generated from that code
// (tests/vectors/make_vectors.py). Plain functions: no IndexedDB, no DOM.

const DAY = 86400000;
// The law's days are China's calendar days (sync.cases.today: Asia/Shanghai), whatever zone
// the phone is set to. China has kept UTC+8 without summer time since 1991.
const CHINA_OFFSET = 8 * 3600000;

export const CHINA_ZONE = 'Asia/Shanghai';

/** The day (YYYY-MM-DD) it is in China at `now` (milliseconds since the epoch). */
export function chinaDay(now) {
  return new Date(now + CHINA_OFFSET).toISOString().slice(0, 10);
}

/** The minute (YYYY-MM-DDTHH:MM) a clock in China shows at `now`: what a datetime-local
 * input holds, since people type China's time whatever zone the browser is set to. */
export function chinaMinute(now) {
  return new Date(now + CHINA_OFFSET).toISOString().slice(0, 16);
}

/** A time typed as China's wall clock (YYYY-MM-DDTHH:MM[:SS]) as ISO 8601 with +08:00. */
export function chinaIso(local) {
  if (!local) return null;
  return `${local.length === 16 ? `${local}:00` : local}+08:00`;
}

/** "/county/township/village/grid/" → "/county/township/" (sync.rules.township_path). */
export function townshipPath(unitPath) {
  return `/${unitPath.split('/').filter(Boolean).slice(0, 2).join('/')}/`;
}

/** Whether a unit path lies in the person's jurisdiction (sync.types.Actor.in_jurisdiction).
 * A record without its unit's path is one the server's pull scoped to this person: inside. */
function inJurisdiction(me, unitPath) {
  if (unitPath == null) return true;
  const mine = me.unit && me.unit.path;
  return mine == null || unitPath.startsWith(mine);
}

/** Whether `me` is one of `who` for `rec`: a relation to it, or a role held over its unit.
 * `addressed`: the field naming the department the record is addressed to (its spec's
 * `addressed`: a clue's transferred_to, a collaboration request's department). */
export function may(who, rec, me, addressed = null) {
  return who.some((w) => {
    if (w === 'reporter') return rec.reporter_id === me.id;
    if (w === 'taker') return rec.taken_by === me.id;
    if (w === 'addressee') {
      return addressed != null && me.roles.includes('department') && me.department != null && rec[addressed] === me.department;
    }
    if (w === 'county_command') {
      // A dispatcher or leader above the record's township (县指挥中心), not its own room.
      if (rec.unit_path == null) return false;
      const township = townshipPath(rec.unit_path);
      const mine = me.unit && me.unit.path;
      return ['dispatcher', 'leader'].some((r) => me.roles.includes(r)) && mine != null && township.startsWith(mine) && mine !== township;
    }
    if (w === 'on_spot_partner') {
      // Named on an on-the-spot decision besides its maker, not yet confirmed (art. 42:
      // sync.cases.on_spot_presence_art_42).
      const confirmed = new Set([rec.decided_by, ...(rec.on_spot_confirmations || []).map((c) => c.officer_id)]);
      return (rec.on_spot_officers || []).includes(me.id) && !confirmed.has(me.id);
    }
    if (w === 'assignee') {
      if (rec.assignee_id != null) return rec.assignee_id === me.id;
      // Assigned to the township's team: any of its officers may take it.
      const township = rec.unit_path == null ? null : townshipPath(rec.unit_path);
      return me.roles.includes('officer') && inJurisdiction(me, township);
    }
    return me.roles.includes(w) && roleHolds(w, rec, me);
  });
}

// A township's own roles (sync.rules.TOWNSHIP_ROLES): held above the township (the county's
// command centre, a department's leader) they give no step on its records.
const TOWNSHIP_ROLES = ['grid_worker', 'officer', 'dispatcher', 'leader', 'reviewer'];

/** A role over the record's unit; a township's role only in the record's township
 * (sync.rules._role_holds). */
function roleHolds(role, rec, me) {
  if (!inJurisdiction(me, rec.unit_path)) return false;
  if (!TOWNSHIP_ROLES.includes(role) || rec.unit_path == null || rec.unit_path.split('/').every((p) => !p)) return true;
  const mine = me.unit && me.unit.path;
  return mine == null || mine.startsWith(townshipPath(rec.unit_path));
}

/** The fields a step sets and the status it leads to, from the workflow's `sets` (an
 * argument, $actor, $now, $first_now, $null) and `to` ($same: where it is). */
export function stepEffect(step, current, args, actorId, now) {
  const effect = {};
  for (const [field, source] of Object.entries(step.sets || {})) {
    if (source === '$actor') effect[field] = actorId;
    else if (source === '$now') effect[field] = now;
    else if (source === '$first_now') effect[field] = current[field] || now;
    else if (source === '$null') effect[field] = null;
    else effect[field] = args && args[source] !== undefined ? args[source] : null;
  }
  effect.status = step.to === '$same' ? current.status : step.to;
  return effect;
}

/** Days from China's today to a due day (its last allowed day), or to a due moment; null
 * if there is none. */
export function daysTo(due, now) {
  if (!due) return null;
  if (due.length === 10) return (Date.parse(due) - Date.parse(chinaDay(now))) / DAY;
  return (Date.parse(due) - now) / DAY;
}

/** Whether one clock the workflow declares runs on this record now. */
function running(c, rec) {
  return c.running.includes(rec.status) && !(c.until && rec[c.until]);
}

/**
 * Where a record stands on the clocks the workflow declares for its type (a field holding a
 * due day or moment, the statuses it runs in, a field that stops it, the days before it to
 * warn: a clue's deadline while assigned, a case's 90 days until the decision). The most
 * urgent: { late } past one, { soon: band, left: days } within a warning band, or {}.
 */
export function clock(spec, rec, now) {
  let worst = {};
  for (const [field, c] of Object.entries(spec.clocks || {})) {
    const left = daysTo(rec[field], now);
    if (left == null || !running(c, rec)) continue;
    if (left < 0) return { late: true };
    const band = Math.min(...c.warn_days.filter((d) => left <= d));
    if (Number.isFinite(band) && !(worst.soon <= band)) worst = { soon: band, left: Math.floor(left) };
  }
  return worst;
}

// Python's truth: an empty list or mapping is false, as in sync.cases._holds.
function truthy(v) {
  if (v == null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** The step a record waits for (sync.cases.awaited_step): the first entry of its status in
 * the workflow's `awaits` whose `when` its fields meet; null when it waits on nobody. */
export function awaitedStep(awaits, rec) {
  const holds = (path, wanted) => {
    let value = rec;
    for (const part of path.split('.')) value = value && typeof value === 'object' && !Array.isArray(value) ? value[part] : undefined;
    return typeof wanted === 'string' ? value === wanted : truthy(value) === wanted;
  };
  for (const entry of (awaits && awaits[rec.status]) || []) {
    if (Object.entries(entry.when).every(([path, wanted]) => holds(path, wanted))) return entry.step;
  }
  return null;
}

/** Why a case's document (the workflow's `records.case.documents[kind]`) cannot be issued on
 * `day` (YYYY-MM-DD, China's), or null when it can (sync.cases.document_waits): 'after', the
 * step recording its `after` field has not been taken; 'from' / 'until', the day it bears (its
 * `dated` field once recorded, else `day`) falls outside the days those fields hold (the
 * application to the court is dated within its window: 行政强制法 第五十三条、第五十四条). */
export function documentWaits(doc, rec, day) {
  if (!truthy(rec[doc.after])) return 'after';
  const dated = (doc.dated && rec[doc.dated]) || day;
  const first = doc.from && rec[doc.from];
  const last = doc.until && rec[doc.until];
  if (doc.from && (!first || dated < first)) return 'from';
  if (doc.until && (!last || dated > last)) return 'until';
  return null;
}

/** Whether a mobile number or an e-mail address the party gives for electronic service
 * (电子送达) is one the server takes: '' (none given) is; else the whole of it matches the
 * workflow's pattern for it (sync.eservice checks with the same; vectors hold them equal). */
export function addressOk(spec, value) {
  if (!value) return true;
  return new RegExp(`^(?:${spec.pattern})$`).test(value);
}
