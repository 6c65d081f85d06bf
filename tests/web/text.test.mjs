// Place search in any script (RTL shown right-to-left) and documents: places found, highlighted and pinned.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { mapIdle, errorShown, launchBrowser, notImplemented, openPage, PANEL_ONLY, probe, screenshot, skipReason, startServer } from './harness.mjs';

const skip = skipReason();
if (skip) console.log(`# SKIP: ${skip}`);

const DOCUMENT = [
  'On 20 June 2025 families left Tehran by bus for Ardabil and then for Astara, where they crossed into Azerbaijan.',
  'מהנדסים דיווחו על עומס במעבר אסטרה.',
  'خانواده‌ها از تبریز به جلفا رفتند.',
].join('\n');

describe('web map: search and documents', { skip: skip ?? false }, () => {
  let server, browser, geocodeMissing = null, geoparseMissing = null;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    geocodeMissing = notImplemented(await probe(server.url, '/geocode?q=Astara'), '/geocode');
    geoparseMissing = notImplemented(await probe(server.url, '/geoparse', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: 'Tabriz' }) }), '/geoparse');
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a Hebrew search suggests places and shows the Hebrew name right-to-left', async (t) => {
    if (geocodeMissing) return t.skip(geocodeMissing);
    const { page, context } = await openPage(browser, server.url, PANEL_ONLY);
    try {
      await page.fill('#search-q', 'אסטרה');
      await page.waitForSelector('#search-results li', { timeout: 30000 });
      assert.equal(await errorShown(page), '');
      const items = page.locator('#search-results li');
      assert.ok(await items.count() >= 1);
      assert.ok(await page.locator('#search-q').evaluate((e) => e.matches(':dir(rtl)')), 'Hebrew input not RTL');
      // The matched Hebrew variant (or the name) is shown with its own right-to-left direction.
      const rtl = await page.locator('#search-results li [data-role=matched]').evaluateAll((els) =>
        els.filter((e) => /[\u0590-\u05FF]/.test(e.textContent)).map((e) => e.matches(':dir(rtl)')));
      assert.ok(rtl.length >= 1, 'no Hebrew text shown in the suggestions');
      assert.ok(rtl.every(Boolean), 'Hebrew text in the suggestions is not displayed right-to-left');
      assert.match(await items.first().textContent(), /Astara/i);
      await mapIdle(page);
      await screenshot(page, 'search-hebrew');
    } finally {
      await context.close();
    }
  });

  test('pasting a document highlights its places and pins them on the map', async (t) => {
    if (geoparseMissing) return t.skip(geoparseMissing);
    const { page, context } = await openPage(browser, server.url);
    try {
      await page.locator('#sec-document summary').click();
      await page.fill('#doc-text', DOCUMENT);
      await page.click('#doc-go');
      await page.waitForSelector('#doc-view mark, #error:not([hidden])', { timeout: 60000 });
      assert.equal(await errorShown(page), '');
      const api = await probe(server.url, '/geoparse', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: DOCUMENT }) });
      const located = api.body.features.filter((f) => f.geometry?.type === 'Point').length;
      assert.ok(located >= 5, `the service located only ${located} places in the document`);
      const marks = await page.locator('#doc-view mark').allTextContents();
      for (const name of ['Tehran', 'Ardabil', 'Astara', 'אסטרה', 'تبریز']) {
        assert.ok(marks.some((m) => m.includes(name)), `'${name}' not highlighted (marks: ${marks.join(' | ')})`);
      }
      assert.equal(Number(await page.locator('#doc-view').getAttribute('data-pins')), located);
      if (await page.evaluate(() => window.aras.map.hasMap)) {
        assert.equal(await page.locator('#map .pin').count(), located, 'pins on the map differ from located places');
      }
      const hebrew = page.locator('#doc-view mark', { hasText: 'אסטרה' }).first();
      assert.ok(await hebrew.evaluate((e) => e.matches(':dir(rtl)')), 'Hebrew mention not displayed right-to-left');
      // The places download as GeoJSON; the service has no GeoPackage of them and the page says so in words.
      const [geojson] = await Promise.all([page.waitForEvent('download'), page.click('#dl-geojson')]);
      assert.equal(geojson.suggestedFilename(), 'aras-geoparse.geojson');
      const fc = JSON.parse(await readFile(await geojson.path(), 'utf8'));
      assert.equal(fc.features.filter((f) => f.geometry?.type === 'Point').length, located);
      assert.equal(await page.locator('#dl-gpkg').isDisabled(), true);
      assert.match(await page.locator('#download-note').textContent(), /GeoJSON only, not as GeoPackage/);
      await mapIdle(page);
      await screenshot(page, 'geoparse');
    } finally {
      await context.close();
    }
  });
});
