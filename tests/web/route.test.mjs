// Routing from the page: Tehran → Astara summary numbers, alternatives, re-routing with a closed crossing, unknown place.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { mapIdle, errorShown, launchBrowser, notImplemented, openPage, PANEL_ONLY, probe, screenshot, skipReason, startServer } from './harness.mjs';

const skip = skipReason();
if (skip) console.log(`# SKIP: ${skip}`);

const TEHRAN = '51.3890,35.6892';
const ASTARA_AZ = '48.8760,38.4560';

describe('web map: routes', { skip: skip ?? false }, () => {
  let server, browser, routeMissing = null;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    routeMissing = notImplemented(await probe(server.url, `/route?from=${TEHRAN}&to=${ASTARA_AZ}`), '/route');
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function route(page, from, to, alternatives = 0) {
    await page.fill('#route-from', from);
    await page.fill('#route-to', to);
    await page.fill('#route-alternatives', String(alternatives));
    await page.click('#route-go');
    await page.waitForFunction(() => document.querySelector('#route-summary .route-card, #route-summary .hint')
      || !document.getElementById('error').hidden, null, { timeout: 60000 });
  }

  // 6–9.5 h of driving, plus the waiting time at the crossing the service adds (1 h by default:
  // routing BuildOptions::default_crossing_penalty_s), so at most 10.5 h door to door.
  test('Tehran → Astara shows a 6–10.5 h route through the Astara crossing', async (t) => {
    if (routeMissing) return t.skip(routeMissing);
    const { page, context } = await openPage(browser, server.url);
    try {
      await route(page, 'Tehran', 'Astara');
      assert.equal(await errorShown(page), '', 'error shown for Tehran → Astara');
      const card = page.locator('#route-summary .route-card[data-rank="0"]');
      const hours = Number(await card.getAttribute('data-duration-h'));
      const km = Number(await card.getAttribute('data-distance-km'));
      assert.ok(hours >= 6 && hours <= 10.5, `duration ${hours} h not in [6, 10.5]`);
      // What the page shows is what the service computed for the same request.
      const api = await probe(server.url, '/route', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ from: 'Tehran', to: 'Astara' }) });
      assert.ok(Math.abs(api.body.features[0].properties.duration_h - hours) < 0.05,
        `page shows ${hours} h, the API says ${api.body.features[0].properties.duration_h} h`);
      assert.ok(km > 400 && km < 900, `distance ${km} km implausible for Tehran → Astara`);
      assert.match(await card.locator('[data-role=crossings]').textContent(), /Astara/i);
      assert.doesNotMatch(await page.locator('#route-summary').textContent(), /\bnull\b|\bundefined\b|NaN/);
      assert.match(await card.locator('[data-role=duration]').textContent(), /^\d+ h \d\d min$/);
      await mapIdle(page);
      await screenshot(page, 'route-tehran-astara');

      // The result downloads as GeoJSON (made in the browser) and as GeoPackage (from the service).
      const [geojson] = await Promise.all([page.waitForEvent('download'), page.click('#dl-geojson')]);
      assert.equal(geojson.suggestedFilename(), 'aras-route.geojson');
      const fc = JSON.parse(await readFile(await geojson.path(), 'utf8'));
      assert.equal(fc.type, 'FeatureCollection');
      assert.equal(fc.features[0].geometry.type, 'LineString');
      const [gpkg] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), page.click('#dl-gpkg')]);
      assert.equal(gpkg.suggestedFilename(), 'aras-route.gpkg');
      const head = (await readFile(await gpkg.path())).subarray(0, 15).toString('latin1');
      assert.equal(head, 'SQLite format 3', 'the GeoPackage download is not an SQLite file');
    } finally {
      await context.close();
    }
  });

  test('alternatives, and closing Astara re-routes through another crossing', async (t) => {
    if (routeMissing) return t.skip(routeMissing);
    const { page, context } = await openPage(browser, server.url);
    try {
      await route(page, TEHRAN, ASTARA_AZ, 2);
      assert.equal(await errorShown(page), '');
      const cards = await page.locator('#route-summary .route-card').count();
      assert.ok(cards >= 1, 'no route card');
      await page.locator('#crossing-list li[data-crossing-id="astara"] button').click();
      await page.waitForFunction(() => {
        const c = document.querySelector('#route-summary .route-card[data-rank="0"] [data-role=crossings]');
        return (c && !/Astara–Astara/.test(c.textContent)) || !document.getElementById('error').hidden;
      }, null, { timeout: 60000 });
      const err = await errorShown(page);
      if (err) {
        // Acceptable only when the service explains there is no other way in.
        assert.match(err, /route/i, `unexpected error after closing Astara: ${err}`);
      } else {
        const crossings = await page.locator('#route-summary .route-card[data-rank="0"] [data-role=crossings]').textContent();
        assert.doesNotMatch(crossings, /Astara–Astara/, 'still routed through the closed Astara crossing');
        assert.match(await page.locator('#route-summary').textContent(), /Closed by you: .*Astara/);
      }
      await mapIdle(page);
      await screenshot(page, 'route-astara-closed');
    } finally {
      await context.close();
    }
  });

  test('an unknown place is reported in words', async () => {
    const { page, context } = await openPage(browser, server.url, PANEL_ONLY);
    try {
      await route(page, 'Qwxzqpt Nowhereville', ASTARA_AZ);
      await page.waitForSelector('#error:not([hidden])', { timeout: 30000 }).catch(() => {});
      const err = await errorShown(page);
      const status = await page.locator('#status-text').textContent();
      const summary = await page.locator('#route-summary').textContent();
      assert.notEqual(err, '', `no error shown (status '${status}', route summary '${summary}')`);
      assert.match(err, /Qwxzqpt Nowhereville/, `the error does not name the unknown place: '${err}'`);
      assert.match(err, /no place|not found|unknown|matches/i);
      await mapIdle(page);
      await screenshot(page, 'route-unknown-place');
    } finally {
      await context.close();
    }
  });
});
