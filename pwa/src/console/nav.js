// The console's navigation.
import { t } from '../i18n.js';
import { deskOnly } from '../session.js';
import { html } from '../ui.js';
import { SUPERVISING_ROLES } from './common.js';

export function ConsoleNav({ hash, me }) {
  // A department's desk is what is addressed to it (its inbox) and its inspection plans.
  const department = me && me.roles.includes('department') && !SUPERVISING_ROLES.some((r) => me.roles.includes(r));
  const home = deskOnly(me); // the inbox is the start page (a department's inspector starts on the phone's)
  const items = department
    ? [
        ['#/console', 'inbox'],
        ['#/copies', 'copies'],
        ['#/inspections', 'inspections_nav'],
        ['#/visits', 'my_visits'],
      ]
    : [
        ['#/console', 'inbox'],
        ['#/map', 'map'],
        ['#/dashboard', 'dashboard'],
        ['#/departments', 'departments_board'],
        ['#/cases', 'cases'],
        ['#/bodycam', 'bodycam_nav'],
        ['#/calendar', 'calendar'],
        ['#/catalogue', 'catalogue'],
        ['#/waiting', 'waiting_list'],
        ['#/inspections', 'inspections_nav'],
        // Accounts are an administrator's (server/accounts/api.py): officers' signing keys.
        ...(me && me.roles.includes('admin') ? [['#/accounts', 'signing_keys_nav']] : []),
      ];
  return html`<nav class="console-nav" aria-label=${t('console')}>
    ${items.map(([href, key]) => html`<a href=${href} aria-current=${hash.startsWith(href) || (key === 'inbox' && home && ['', '#', '#/'].includes(hash)) ? 'page' : null}>${t(key)}</a>`)}
  </nav>`;
}
