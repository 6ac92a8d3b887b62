// The app's route table: a hash's first part (#/case/7 → "case") names a screen. A desk (a
// supervisor's or a county user's screen: the console chunk is loaded) has screens of its own
// for some routes; a phone has its own for others. Screens come from three modules: the
// phone's (field), the console's (console) and the inspectors' (visits), the last two loaded
// on demand.
export const ROUTES = {
  report: { field: 'Report' },
  mine: { field: 'MyReports' },
  tasks: { field: 'Tasks' },
  task: { field: 'TaskDetail' },
  cases: { field: 'Cases' },
  outbox: { field: 'Outbox' },
  'offline-map': { field: 'OfflineMap' },
  visits: { visits: 'MyVisits' },
  clue: { field: 'ClueDetail', desk: 'ConsoleClue' },
  case: { field: 'CaseDetail', desk: 'ConsoleCase' },
  console: { desk: 'Inbox' },
  map: { desk: 'ConsoleMap' },
  dashboard: { desk: 'Dashboard' },
  departments: { desk: 'DepartmentsBoard' },
  copies: { desk: 'Copies' },
  collaboration: { desk: 'ConsoleCollaboration' },
  calendar: { desk: 'Calendar' },
  catalogue: { desk: 'Catalogue' },
  waiting: { desk: 'Waiting' },
  inspections: { desk: 'Inspections' },
  bodycam: { desk: 'Bodycam' },
  accounts: { desk: 'Accounts' },
};

/** The screen a hash opens: { from: 'field' | 'console' | 'visits', name, id }. `desk`: the
 * console is this browser's (a supervisor or desk user); `deskOnly`: the person has no field
 * role, so his start page is the inbox, not the phone's menu. A route a person's screen does
 * not have opens his start page. */
export function screenFor(hash, { desk = false, deskOnly = false } = {}) {
  const [, route, id] = (hash || '#/').split('/');
  const r = Object.hasOwn(ROUTES, route) ? ROUTES[route] : null;
  if (r && desk && r.desk) return { from: 'console', name: r.desk, id };
  if (r && r.field) return { from: 'field', name: r.field, id };
  if (r && r.visits) return { from: 'visits', name: r.visits, id };
  return deskOnly ? { from: 'console', name: 'Inbox', id: undefined } : { from: 'field', name: 'Home', id: undefined };
}
