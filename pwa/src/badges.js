// What is new for this person since he last looked (issue 24): new tasks, his reports
// answered or sent back, cases awaiting his step, counted from what the last pull brought,
// so it works offline. Pure: the records and the state of what he has seen (kept on the
// phone, in IndexedDB, by screens.js) in, counts out; `node --test` (test/badges.test.js).
import { awaitedStep, may } from './rules.js';

export const LISTS = ['tasks', 'mine', 'cases'];

/** A task of his: assigned to him (or to the team, he being an officer), or taken by him. */
export function isMyTask(r, me) {
  if (r.status === 'assigned') return r.assignee_id != null ? r.assignee_id === me.id : me.roles.includes('officer');
  return r.status === 'in_progress' && r.taken_by === me.id;
}

/**
 * What calls for his attention in each list, as { id: mark }: a mark changes when there is
 * something new to see about the record (a task assigned again, a report sent back again).
 * - tasks: tasks assigned to him not yet taken; his handling reports sent back (退回补充);
 * - mine: his reports the command room answered, by the answer (accepted, closed…);
 * - cases: open cases whose awaited step (the workflow's `awaits`) is his to take.
 */
export function attention({ clues = [], cases = [] }, me, workflow) {
  const out = { tasks: {}, mine: {}, cases: {} };
  for (const r of clues) {
    if (r.local) continue; // his own change, not yet sent: nothing new to him
    if (r.status === 'assigned' && isMyTask(r, me)) out.tasks[r.id] = `assigned:${r.assignee_id ?? 'team'}`;
    else if (r.status === 'in_progress' && r.taken_by === me.id && r.return_comment) out.tasks[r.id] = `returned:${r.return_comment}`;
    if (r.reporter_id === me.id && r.responded_at) out.mine[r.id] = r.status;
  }
  const spec = workflow && workflow.records && workflow.records.case;
  if (spec) {
    for (const c of cases) {
      if (c.local || spec.closed.includes(c.status)) continue;
      const step = awaitedStep(spec.awaits, c);
      const t = step && spec.transitions[step];
      if (t && may(t.who, c, me, spec.addressed)) out.cases[c.id] = `${c.status}:${step}`;
    }
  }
  return out;
}

/** How many in each list are new since `seen` (the marks he saw, per list), and the total. */
export function counts(current, seen) {
  const out = { total: 0 };
  for (const list of LISTS) {
    const saw = (seen && seen[list]) || {};
    out[list] = Object.entries(current[list] || {}).filter(([id, mark]) => saw[id] !== mark).length;
    out.total += out[list];
  }
  return out;
}

/** The seen state once he has opened `list`: what it holds now is seen. */
export function opened(seen, list, current) {
  return { ...(seen || {}), [list]: { ...(current[list] || {}) } };
}
