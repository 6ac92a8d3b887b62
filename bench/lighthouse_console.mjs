// Lighthouse on the console, as a desk opens it: logged in, on the desktop preset.
//
//     node bench/lighthouse_console.mjs URL USERNAME PASSWORD OUT_DIR ROUTE...
//
// The console is behind a login, and a desk session lives in the tab's sessionStorage (it
// needs no passphrase and leaves no token on a shared PC), so Lighthouse's own fresh tab would
// only ever see the login screen. This logs in through the form in one tab (puppeteer-core,
// which Lighthouse itself uses) and lets Lighthouse load each route in that tab without
// clearing storage: a desk's repeat visit, the service worker and its cache in place. Writes
// one Lighthouse JSON report per route to OUT_DIR (bench/pwa_bench.py reads them).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { navigation, desktopConfig } from 'lighthouse';

const [url, username, password, out, ...routes] = process.argv.slice(2);
if (!routes.length) {
  console.error('usage: node bench/lighthouse_console.mjs URL USERNAME PASSWORD OUT_DIR ROUTE...');
  process.exit(2);
}
const flags = (process.env.CHROME_FLAGS || '').split(' ').filter(Boolean);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', ...flags],
  defaultViewport: { width: 1350, height: 940 }, // Lighthouse's desktop screen
});
try {
  const page = await browser.newPage();
  await page.goto(url + '/', { waitUntil: 'load' });
  await page.waitForSelector('input[name=username]');
  await page.type('input[name=username]', username);
  await page.type('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-phase=open] main.console', { timeout: 60000 });
  for (const route of routes) {
    const result = await navigation(page, `${url}/${route}`, {
      config: desktopConfig,
      flags: { disableStorageReset: true, onlyCategories: ['performance', 'accessibility'] },
    });
    const name = route.replace(/[^a-z0-9]+/gi, '') || 'inbox';
    writeFileSync(join(out, `console-${name}.json`), JSON.stringify(result.lhr));
  }
} finally {
  await browser.close();
}
