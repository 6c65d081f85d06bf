// Scenarios from the page: corridors with per-crossing load and clearance, comparison A → B, hazards, isochrones.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mapIdle, errorShown, launchBrowser, notImplemented, openPage, probe, screenshot, skipReason, startServer } from './harness.mjs';

const skip = skipReason();
if (skip) console.log(`# SKIP: ${skip}`);

const post = (body) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('web map: scenarios, hazards, isochrones', { skip: skip ?? false }, () => {
  let server, browser;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the default scenario runs as corridors with a per-crossing summary', async (t) => {
    const missing = notImplemented(await probe(server.url, '/corridors', post({})), '/corridors');
    if (missing) return t.skip(missing);
    const { page, context } = await openPage(browser, server.url);
    try {
      await page.locator('#sec-scenario summary').click();
      await page.click('#corridors-go');
      await page.waitForSelector('#corridor-summary table, #error:not([hidden])', { timeout: 120000 });
      assert.equal(await errorShown(page), '', 'error shown for the default scenario');
      const text = await page.locator('#corridor-summary').textContent();
      assert.match(text, /Tehran/);
      assert.match(text, /Astara/i);
      const polygons = await page.evaluate(async () => {
        const m = window.aras.map.map;
        return m ? m.querySourceFeatures('corridors').filter((f) => f.geometry.type.endsWith('Polygon')).length : -1;
      });
      assert.notEqual(polygons, 0, 'no corridor polygon on the map');
      await mapIdle(page);
      await screenshot(page, 'corridors');
    } finally {
      await context.close();
    }
  });

  test('comparing A with "A and Astara closed" shows the change', async (t) => {
    const missing = notImplemented(await probe(server.url, '/compare', post({})), '/compare');
    if (missing) return t.skip(missing);
    const { page, context } = await openPage(browser, server.url);
    try {
      await page.locator('#sec-scenario summary').click();
      await page.click('#scenario-b-from-a');
      assert.match(await page.inputValue('#scenario-b'), /astara/);
      await page.click('#compare-go');
      await page.waitForSelector('#compare-summary table, #error:not([hidden])', { timeout: 120000 });
      assert.equal(await errorShown(page), '', 'error shown for the comparison');
      assert.match(await page.locator('#compare-summary').textContent(), /Tehran/);
      await mapIdle(page);
      await screenshot(page, 'compare');
    } finally {
      await context.close();
    }
  });

  test('an invalid scenario is refused with the service message pointing at the field', async (t) => {
    const missing = notImplemented(await probe(server.url, '/corridors', post({})), '/corridors');
    if (missing) return t.skip(missing);
    const { page, context } = await openPage(browser, server.url);
    try {
      await page.locator('#sec-scenario summary').click();
      await page.fill('#scenario-a', JSON.stringify({ origins: [{ place: 'Tehran', people: -3 }] }));
      await page.click('#corridors-go');
      await page.waitForSelector('#error:not([hidden])', { timeout: 60000 });
      assert.match(await errorShown(page), /origins\/0\/people|people/);
    } finally {
      await context.close();
    }
  });

  test('a hazard circle drawn on the map is listed and drawn; isochrones show bands', async (t) => {
    const { page, context } = await openPage(browser, server.url);
    try {
      const hasMap = await page.evaluate(() => window.aras.map.hasMap);
      if (!hasMap) return t.skip('no WebGL map in this browser: hazards are drawn by clicking the map');
      await page.locator('#sec-hazards summary').click();
      await page.fill('#hazard-radius', '30');
      await page.click('#hazard-circle');
      const xy = await page.evaluate(() => {
        const m = window.aras.map.map;
        m.jumpTo({ center: [48.2933, 38.2498], zoom: 7 });
        const p = m.project([48.2933, 38.2498]);
        const box = m.getCanvas().getBoundingClientRect();
        return { x: box.left + p.x, y: box.top + p.y };
      });
      await page.mouse.click(xy.x, xy.y);
      await page.waitForSelector('#hazard-list li');
      assert.match(await page.locator('#hazard-list li').first().textContent(), /30 km/);
      const ring = await page.evaluate(() => window.aras.state.hazards[0].geometry.coordinates[0].length);
      assert.ok(ring > 32);
      await mapIdle(page);
      await screenshot(page, 'hazard-circle');

      const missing = notImplemented(await probe(server.url, '/isochrone?from=48.2933,38.2498&hours=1'), '/isochrone');
      if (missing) return t.diagnostic(missing);
      await page.locator('#sec-isochrone summary').click();
      await page.fill('#iso-from', '46.2919,38.0800');  // Tabriz, outside the hazard
      await page.fill('#iso-hours', '1,2');
      await page.click('#iso-go');
      await page.waitForSelector('#iso-summary div, #error:not([hidden])', { timeout: 60000 });
      assert.equal(await errorShown(page), '');
      assert.equal(await page.locator('#iso-summary div').count(), 2);
      await mapIdle(page);
      await screenshot(page, 'isochrones');
    } finally {
      await context.close();
    }
  });
});
