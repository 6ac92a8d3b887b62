// The field app: opens from the phone's own store, with or without a network.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Workbox } from 'workbox-window';
import { ApiError, Offline } from './api.js';
import { getMeta, setMeta } from './db.js';
import { lang, setLang, t, when } from './i18n.js';
import * as box from './outbox.js';
import * as session from './session.js';
import { weakness } from './kdf.js';
import { neutraliseTextNodes } from './shown.js';
import { CaseDetail, Cases } from './cases.js';
import { supervisor } from './cases.js';
import { ClueDetail, Home, MyReports, Outbox, Report, TaskDetail, Tasks, waitingText } from './screens.js';
import { PartyCopyPage } from './party-copy.js';
import { PublicDecisions } from './public.js';
import { OfflineMap } from './offline-map.js';
import { AppContext } from './app.js';
import { screenFor } from './routes.js';
import { refreshReference, startAutoSync, status as syncStatus, syncNow } from './sync.js';
import { Field, html } from './ui.js';
import './style.css';

/** The phone's screens, by the names the route table (routes.js) gives them. */
const FIELD_SCREENS = { Report, MyReports, ClueDetail, Tasks, TaskDetail, Cases, CaseDetail, Outbox, OfflineMap, Home };

const STORAGE_HEADROOM = 50 * 1024 * 1024; // warn when less than this is left
const FIELD_POLL = 60000; // a phone pulls once a minute (and on every record, and coming online)
const CONSOLE_POLL = 15000; // the console, on a good line, four times as often

function useHash() {
  const [hash, setHash] = useState(window.location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(window.location.hash || '#/');
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function useOnline() {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(navigator.onLine);
    window.addEventListener('online', on);
    window.addEventListener('offline', on);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', on);
    };
  }, []);
  return online;
}

function Login({ done }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function submit(e) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await session.login(String(f.get('username')).trim(), String(f.get('password')));
      done();
    } catch (err) {
      setError(
        err instanceof Offline ? t('login_offline') : err instanceof ApiError && err.status === 401 ? t('login_failed') : err.message,
      );
    } finally {
      setBusy(false);
    }
  }
  return html`<main class="narrow"><form onSubmit=${submit}>
    <h1>${t('login')}</h1>
    <${Field} label=${t('username')}><input name="username" autocomplete="username" required autocapitalize="none" /></${Field}>
    <${Field} label=${t('password')}><input name="password" type="password" autocomplete="current-password" required /></${Field}>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    <button type="submit" class="primary big" disabled=${busy}>${t('login')}</button>
  </form>
  <p class="public-link"><a href="#/public" data-to-public="yes">${t('public_title')}</a></p></main>`;
}

function SetPin({ done }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [device, setDevice] = useState(false);
  useEffect(() => {
    session.deviceUnlockOffered().then(setDevice);
  }, []);
  async function save(pin, options) {
    setBusy(true);
    try {
      await session.setPin(pin, options);
      done();
    } catch (err) {
      console.error(err); // what went wrong, for whoever looks at the phone
      setError(t(err.message === 'device_unlock_failed' ? 'device_unlock_failed' : 'pin_not_saved'));
    } finally {
      setBusy(false);
    }
  }
  function submit(e) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const pin = String(f.get('pin'));
    if (pin !== f.get('pin2')) return setError(t('pin_mismatch'));
    const weak = weakness(pin);
    if (weak) return setError(t(weak));
    return save(pin);
  }
  return html`<main class="narrow"><form onSubmit=${submit}>
    <h1>${t('set_pin')}</h1>
    ${device ? html`<button type="button" class="primary big" disabled=${busy} onClick=${() => save('', { device: true })}>${t('device_unlock')}</button>` : null}
    <p class="hint">${t('pin_hint')}</p>
    <${Field} label=${t('pin')}><input name="pin" type="password" required autocomplete="new-password" autocapitalize="none" /></${Field}>
    <${Field} label=${t('pin_again')}><input name="pin2" type="password" required autocomplete="new-password" autocapitalize="none" /></${Field}>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    <button type="submit" class="primary big" disabled=${busy}>${busy ? t('pin_working') : t('save')}</button>
  </form></main>`;
}

function Unlock({ done, who }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [how, setHow] = useState(null); // known once read: never a passphrase field flashed at a phone that unlocks with its fingerprint
  useEffect(() => {
    session.method().then(setHow);
  }, []);
  async function submit(e) {
    e.preventDefault();
    const pin = how === 'device' ? '' : String(new FormData(e.currentTarget).get('pin'));
    setBusy(true);
    try {
      if (await session.unlock(pin)) return done();
    } catch {
      return setError(t('device_unlock_failed')); // a cancelled fingerprint: try again
    } finally {
      setBusy(false);
    }
    const left = await session.triesLeft();
    setError(left > 0 ? t('wrong_pin', { n: left }) : t('pin_erased'));
    if (left <= 0) done();
  }
  if (!how) return html`<main class="narrow"><h1>${t('unlock')}</h1></main>`;
  return html`<main class="narrow"><form onSubmit=${submit} data-unlock=${how}>
    <h1>${t('unlock')}</h1>
    <p class="who">${who && who.display_name}</p>
    ${how === 'device' ? null : html`<${Field} label=${t('pin')}><input name="pin" type="password" required autocomplete="current-password" autocapitalize="none" autofocus /></${Field}>`}
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    <button type="submit" class="primary big" disabled=${busy}>${busy ? t('pin_working') : how === 'device' ? t('device_unlock') : t('unlock')}</button>
  </form></main>`;
}

function SyncBar({ me, online, counts, lastSync }) {
  const retry = syncStatus.next && !syncStatus.running ? Math.max(0, Math.round((syncStatus.next - Date.now()) / 1000)) : null;
  return html`<div class="syncbar" aria-live="polite">
    <span class=${`dot ${online ? 'on' : 'off'}`} data-online=${online ? 'yes' : 'no'}>${online ? t('online') : t('offline')}</span>
    <span class="last" data-last-sync=${lastSync || ''}>${lastSync ? t('last_sync', { t: when(lastSync) }) : t('never_synced')}</span>
    <a href="#/outbox" class=${`count ${counts.attention ? 'attention' : ''}`} data-waiting=${counts.waiting} data-attention=${counts.attention}
      data-records=${counts.records} data-photos=${counts.photos} data-originals=${counts.originals}>${waitingText(counts)}</a>
    ${retry != null && counts.waiting ? html`<span class="hint">${t('retry_in', { s: retry })}</span>` : null}
    <button type="button" class="secondary small" disabled=${syncStatus.running}
      onClick=${() => syncNow(me.id, { all: true })}>${syncStatus.running ? t('syncing') : t('sync_now')}</button>
  </div>`;
}

// An officer's inspections (双随机) load when he opens them.
let inspectionScreens = null;
function useInspections(wanted) {
  const [screens, setScreens] = useState(inspectionScreens);
  useEffect(() => {
    if (wanted && !screens) {
      import('./inspections.js').then((m) => {
        inspectionScreens = m;
        setScreens(m);
      });
    }
  }, [wanted]);
  return screens;
}

// The console's screens load on a supervisor's desk only: a phone never downloads them.
let consoleScreens = null;
function useConsole(wanted) {
  const [screens, setScreens] = useState(consoleScreens);
  useEffect(() => {
    if (wanted && !screens) {
      import('./console.js').then((m) => {
        consoleScreens = m;
        setScreens(m);
      });
    }
  }, [wanted]);
  return screens;
}

function App({ wb }) {
  const hash = useHash();
  const online = useOnline();
  const [phase, setPhase] = useState('loading');
  const [me, setMe] = useState(null);
  const [ref, setRef] = useState(null); // workflow, matters, people
  const [version, setVersion] = useState(0);
  const [counts, setCounts] = useState({ waiting: 0, attention: 0, records: 0, photos: 0, originals: 0 });
  const [lastSync, setLastSync] = useState(null);
  const [toastText, setToast] = useState(null);
  const [update, setUpdate] = useState(false);
  const [storage, setStorage] = useState(null);
  const [, setLangTick] = useState(0);
  const desk = !!me && supervisor(me);
  const C = useConsole(desk);
  const V = useInspections(hash.startsWith('#/visits'));

  async function enter() {
    const p = await session.state();
    setMe(await session.user());
    if (p === 'open') {
      let workflow = await getMeta('workflow');
      if (!workflow) {
        await refreshReference(); // the first time: the rules and the catalogue, online
        workflow = await getMeta('workflow');
      }
      setRef({
        workflow,
        matters: await getMeta('matters', []),
        people: await getMeta('people', []),
        settings: await getMeta('settings', {}),
        departments: await getMeta('departments', []),
      });
      const who = await session.user();
      // The command room watches for new field records: pull often while the page is open.
      startAutoSync(who.id, { every: supervisor(who) ? CONSOLE_POLL : FIELD_POLL });
    }
    setPhase(p);
  }

  useEffect(() => {
    // A save the storage refused: the person is told, and the form keeps what was typed.
    const refused = (e) => {
      if (!(e.reason instanceof box.NotSaved)) return;
      e.preventDefault();
      toast(t(e.reason.message));
      checkStorage().then(setStorage);
    };
    window.addEventListener('unhandledrejection', refused);
    return () => window.removeEventListener('unhandledrejection', refused);
  }, []);

  useEffect(() => {
    enter();
    const off = box.onChange(() => setVersion((v) => v + 1));
    if (wb) wb.addEventListener('waiting', () => setUpdate(true));
    checkStorage().then(setStorage);
    return off;
  }, []);

  useEffect(() => {
    if (!me) return;
    box.counts(me.id).then(setCounts);
    checkStorage().then(setStorage); // every new photo takes room: look again
    getMeta('last_sync').then(setLastSync);
    if (phase === 'open') {
      Promise.all([
        getMeta('workflow'),
        getMeta('matters', []),
        getMeta('people', []),
        getMeta('settings', {}),
        getMeta('departments', []),
      ]).then(
        ([workflow, matters, people, settings, departments]) => workflow && setRef({ workflow, matters, people, settings, departments }),
      );
      if (syncStatus.error === 'logged_out') enter();
    }
  }, [version, me, phase]);

  function toast(text) {
    setToast(text);
    setTimeout(() => setToast(null), 4000);
  }

  async function logout() {
    const { entries, files } = await box.unsent(me.id);
    const n = entries.length + files.length;
    const exportedAt = await getMeta('exported_at');
    const newest = [...entries.map((e) => e.created_at)].sort().pop();
    if (n && !(exportedAt && (!newest || exportedAt >= newest))) {
      toast(t('logout_refused', { n }));
      return;
    }
    await session.logout();
    setRef(null);
    setPhase('none');
  }

  async function exportOutbox() {
    const data = await box.exportable(me.id);
    const url = URL.createObjectURL(new Blob([JSON.stringify(data)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `fieldcase-outbox-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    await setMeta('exported_at', new Date().toISOString());
    toast(t('exported'));
  }

  function switchLang() {
    setLang(lang === 'zh-CN' ? 'en' : 'zh-CN');
    setLangTick((n) => n + 1);
  }

  // The party's copy by QR code: his page, no login, nothing else of the app on it.
  if (hash.split('/')[1] === 'copy') {
    return html`<div class="app" data-phase=${phase} data-public="yes">
      <header>
        <span class="brand">${t('party_copy_title')}</span>
        <button type="button" class="link" onClick=${switchLang} lang=${lang === 'zh-CN' ? 'en' : 'zh-CN'}>${t('lang')}</button>
      </header>
      <${PartyCopyPage} token=${hash.split('/')[2] || ''} />
    </div>`;
  }

  // 行政处罚决定公开 (art. 48): anyone's page, logged in or not; nothing else of the app on it.
  if (hash.split('/')[1] === 'public') {
    return html`<div class="app" data-phase=${phase} data-public="yes">
      <header>
        <span class="brand">${t('public_title')}</span>
        <button type="button" class="link" onClick=${switchLang} lang=${lang === 'zh-CN' ? 'en' : 'zh-CN'}>${t('lang')}</button>
      </header>
      <${PublicDecisions} back=${phase === 'none' ? t('public_back_login') : t('public_back_app')} />
    </div>`;
  }

  let screen;
  if (phase === 'loading') screen = null;
  else if (phase === 'none') screen = html`<${Login} done=${enter} />`;
  else if (phase === 'set_pin') screen = html`<${SetPin} done=${enter} />`;
  else if (phase === 'locked') screen = html`<${Unlock} who=${me} done=${enter} />`;
  else if (ref) {
    const props = {
      me,
      workflow: ref.workflow,
      matters: ref.matters,
      people: ref.people,
      departments: ref.departments,
      version,
      toast,
      counts,
      settings: ref.settings,
    };
    const { from, name, id } = screenFor(hash, { desk, deskOnly: session.deskOnly(me) });
    const Screen = ({ field: FIELD_SCREENS, console: C, visits: V }[from] || {})[name];
    // The outbox carries the app's own actions (export, log out) under its list.
    const extra =
      name === 'Outbox'
        ? html`
          ${storage && storage.kind === 'storage_not_persisted' ? html`<p class="hint">${t(storage.kind)}</p>` : null}
          <div class="actions"><button type="button" class="secondary" data-action="export" onClick=${exportOutbox}>${t('export')}</button>
          <button type="button" class="secondary" data-action="logout" onClick=${logout}>${t('logout')}</button></div>`
        : null;
    const own = name === 'Outbox' ? { progress: syncStatus.progress, children: extra } : {};
    screen = Screen ? html`<${AppContext.Provider} value=${props}><${Screen} id=${id} ...${own} /></${AppContext.Provider}>` : null;
  }

  return html`<div class="app" data-phase=${phase}>
    <header>
      <a href="#/" class="brand">${t('app')}</a>
      <button type="button" class="link" onClick=${switchLang} lang=${lang === 'zh-CN' ? 'en' : 'zh-CN'}>${t('lang')}</button>
    </header>
    ${phase === 'open' && me ? html`<${SyncBar} me=${me} online=${online} counts=${counts} lastSync=${lastSync} />` : null}
    ${phase === 'open' && C ? html`<${C.ConsoleNav} hash=${hash} me=${me} />` : null}
    ${storage && storage.kind === 'storage_low' ? html`<p class="warn banner" role="alert" data-storage=${storage.kind}>${t(storage.kind, { mb: storage.mb })}</p>` : null}
    ${
      update
        ? html`<div class="banner update" role="status"><span>${t('update_ready')}</span>
      <button type="button" class="primary small" data-action="update" onClick=${() => {
        wb.addEventListener('controlling', () => window.location.reload());
        wb.messageSkipWaiting();
      }}>${t('update_now')}</button></div>`
        : null
    }
    ${screen}
    ${toastText ? html`<div class="toast" role="status">${toastText}</div>` : null}
  </div>`;
}

let persisted = null;

/** Ask for persistent storage (once); warn when it is refused or space runs low. */
async function checkStorage() {
  if (!navigator.storage) return null;
  if (persisted === null) {
    persisted = navigator.storage.persist ? await navigator.storage.persist().catch(() => false) : true;
  }
  const { quota = 0, usage = 0 } = navigator.storage.estimate ? await navigator.storage.estimate() : {};
  if (quota && quota - usage < STORAGE_HEADROOM) {
    return { kind: 'storage_low', mb: Math.round((quota - usage) / 1048576) };
  }
  if (!persisted) return { kind: 'storage_not_persisted' };
  return null;
}

let wb = null;
if ('serviceWorker' in navigator && !window.__FIELDCASE_NO_SW__) {
  wb = new Workbox('/sw.js');
  wb.register();
}
document.documentElement.lang = lang;
neutraliseTextNodes(); // recorded text never reorders what is beside it
render(html`<${App} wb=${wb} />`, document.getElementById('app'));
