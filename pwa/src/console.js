// The console (指挥室): the same app on a supervisor's desktop. The inbox is what the
// workflow lets this person do now, grouped by what it is waiting for; the record page shows
// everything known about a clue; every act is a step queued and synced like a phone's, so the
// server's rules decide and the audit chain records it. New field records arrive by the
// pull cursor (polled), without a reload.
//
// One file per screen under console/; this module is the chunk a desk loads (a phone never
// downloads it) and names the screens the route table (routes.js) asks for.
export { Inbox } from './console/inbox.js';
export { ConsoleClue } from './console/clue.js';
export { ConsoleCase } from './console/case.js';
export { ConsoleCollaboration } from './console/collaboration.js';
export { ConsoleMap } from './console/map.js';
export { Dashboard } from './console/dashboard.js';
export { DepartmentsBoard, Copies } from './console/departments.js';
export { Calendar } from './console/calendar.js';
export { Waiting } from './console/waiting.js';
export { Bodycam } from './console/bodycam.js'; // 执法记录仪 files imported at the desk (issue 22)
export { Accounts } from './console/accounts.js'; // officers' own signing keys (issue 22)
export { ConsoleNav } from './console/nav.js';
export { Inspections } from './inspections.js'; // 双随机一公开 and 综合查一次 (issue 21)
export { Catalogue } from './catalogue.js'; // 事项目录: bases, discretion standards, history
