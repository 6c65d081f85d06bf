// Scenarios from the page: corridors with per-crossing load and clearance, comparison A → B, hazards, isochrones.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapIdle, errorShown, gpkgFeatureCount, launchBrowser, notImplemented, openPage, PANEL_ONLY, probe, screenshot, skipReason, startServer } from './harness.mjs';

const skip = skipReason();
if (skip) console.log(`# SKIP: ${skip}`);

const post = (body) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('web map: scenarios, hazards, isochrones', { skip: skip ?? false }, () => {
  let server, browser, store;
  before(async () => {
    // A scenario store of this run only: saved scenarios of other runs must not show up in the list.
    store = await mkdtemp(join(tmpdir(), 'aras-web-scenarios-'));
    server = await startServer({ extraArgs: ['--scenario-store', store] });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (store) await rm(store, { recursive: true, force: true });
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
      assert.doesNotMatch(text, /\bnull\b|\bundefined\b|NaN/, 'placeholder words in the corridor summary');
      // The answer has one corridor polygon per origin with a route, and the page says how many it drew.
      const answer = await probe(server.url, '/corridors', post(JSON.parse(await page.inputValue('#scenario-a'))));
      const expected = answer.body.features.filter((f) => /Polygon$/.test(f.geometry?.type ?? '')).length;
      assert.ok(expected >= 1, 'the service answered the default scenario without a corridor polygon');
      assert.equal(Number(await page.locator('#corridor-summary').getAttribute('data-corridors')), expected);
      assert.match(await page.locator('#corridor-summary [data-role=corridor-count]').textContent(), /corridor/);
      // On the map: GeoJSON is tiled in a worker, so wait (bounded) until the map holds the polygons.
      const onMap = () => page.evaluate(() => {
        const m = window.aras.map.map;
        return m ? m.querySourceFeatures('corridors').filter((f) => f.geometry.type.endsWith('Polygon')).length : -1;
      });
      await page.waitForFunction(() => {
        const m = window.aras.map.map;
        return !m || m.querySourceFeatures('corridors').some((f) => f.geometry.type.endsWith('Polygon'));
      }, null, { timeout: 30000 }).catch(() => {});
      assert.notEqual(await onMap(), 0, 'no corridor polygon on the map');
      await mapIdle(page);
      await screenshot(page, 'corridors');

      // Downloads: GeoJSON made in the browser, GeoPackage from the service (?format=gpkg), same features.
      assert.equal(await page.locator('#download-note').isHidden(), true, 'corridors should offer a GeoPackage');
      const [geojson] = await Promise.all([page.waitForEvent('download'), page.click('#dl-geojson')]);
      assert.equal(geojson.suggestedFilename(), 'aras-corridors.geojson');
      const fc = JSON.parse(await readFile(await geojson.path(), 'utf8'));
      assert.equal(fc.type, 'FeatureCollection');
      assert.equal(fc.features.filter((f) => /Polygon$/.test(f.geometry?.type ?? '')).length, expected);
      assert.ok(fc.summary?.crossings?.length >= 1, 'the GeoJSON download lost the per-crossing summary');
      const [gpkg] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), page.click('#dl-gpkg')]);
      assert.equal(gpkg.suggestedFilename(), 'aras-corridors.gpkg');
      const bytes = await readFile(await gpkg.path());
      assert.equal(bytes.subarray(0, 15).toString('latin1'), 'SQLite format 3', 'the GeoPackage download is not an SQLite file');
      const count = await gpkgFeatureCount(await gpkg.path());
      if (count !== null) assert.equal(count, fc.features.length, 'the GeoPackage holds other features than the GeoJSON');
    } finally {
      await context.close();
    }
  });

  test('comparing A with "A and Astara closed" shows the change', async (t) => {
    const missing = notImplemented(await probe(server.url, '/compare', post({})), '/compare');
    if (missing) return t.skip(missing);
    const { page, context } = await openPage(browser, server.url, PANEL_ONLY);
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
    const { page, context } = await openPage(browser, server.url, PANEL_ONLY);
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
      // Isochrones are offered as GeoPackage by the service too.
      assert.equal(await page.locator('#dl-gpkg').isEnabled(), true, 'no GeoPackage offered for isochrones');
      const [gpkg] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), page.click('#dl-gpkg')]);
      assert.equal(gpkg.suggestedFilename(), 'aras-isochrone.gpkg');
      const count = await gpkgFeatureCount(await gpkg.path());
      if (count !== null) assert.ok(count >= 2, `the isochrone GeoPackage holds ${count} features`);
    } finally {
      await context.close();
    }
  });
  test('a scenario is saved on the server, listed, loaded back and deleted', async (t) => {
    const missing = notImplemented(await probe(server.url, '/scenarios'), '/scenarios');
    if (missing) return t.skip(missing);
    // One saved before the page opens: the list shows what the server already keeps.
    const earlier = await probe(server.url, '/scenarios', post({ name: 'Ardabil only', origins: [{ place: 'Ardabil', people: 50 }] }));
    assert.equal(earlier.status, 201);
    const { page, context } = await openPage(browser, server.url, PANEL_ONLY);
    try {
      await page.locator('#sec-scenario summary').click();
      await page.waitForSelector(`#scenario-store-list li[data-scenario-id="${earlier.body.id}"]`, { timeout: 30000 });
      assert.match(await page.locator('#scenario-store-list').textContent(), /Ardabil only/);
      const listed = await page.locator('#scenario-store-list li').count();

      // Edit the default scenario and save it on the server.
      const edited = JSON.parse(await page.inputValue('#scenario-a'));
      edited.name = 'Tabriz doubled, Astara slower';
      edited.origins[1].people = 800;
      edited.crossing_capacity = { astara: 10 };
      await page.fill('#scenario-a', JSON.stringify(edited, null, 2));
      await page.click('#scenario-store-save');
      const savedItem = page.locator('#scenario-store-list li', { hasText: edited.name });
      await savedItem.waitFor({ timeout: 30000 });
      assert.equal(await errorShown(page), '', 'error shown while saving');
      assert.equal(await page.locator('#scenario-store-list li').count(), listed + 1);
      assert.equal(await page.locator('#scenario-store-list li').first().textContent().then((x) => x.includes(edited.name)), true,
        'the newest scenario is not listed first');
      assert.match(await page.locator('#scenario-store-status').textContent(), /Saved/);
      const id = await savedItem.getAttribute('data-scenario-id');
      // The service keeps it as written.
      const kept = await probe(server.url, `/scenarios/${id}`);
      assert.equal(kept.status, 200);
      assert.deepEqual(kept.body.scenario, edited);

      // Load the earlier one, then the edited one back into A.
      await page.locator(`#scenario-store-list li[data-scenario-id="${earlier.body.id}"] [data-role=load]`).click();
      await page.waitForFunction(() => /Ardabil only/.test(document.getElementById('scenario-a').value), null, { timeout: 30000 });
      await savedItem.locator('[data-role=load]').click();
      await page.waitForFunction((name) => document.getElementById('scenario-a').value.includes(name), edited.name, { timeout: 30000 });
      assert.deepEqual(JSON.parse(await page.inputValue('#scenario-a')), edited);
      assert.equal(await savedItem.getAttribute('data-current'), 'true');
      await screenshot(page, 'scenario-store');

      // A saved scenario that is invalid is refused in words; nothing is added to the list.
      await page.fill('#scenario-a', JSON.stringify({ name: 'bad', origins: [{ place: 'Tehran', people: -1 }] }));
      await page.click('#scenario-store-save');
      await page.waitForSelector('#error:not([hidden])', { timeout: 30000 });
      assert.match(await errorShown(page), /people/);
      assert.equal(await page.locator('#scenario-store-list li').count(), listed + 1);

      // Delete the edited one: gone from the list and from the server.
      await savedItem.locator('[data-role=delete]').click();
      await page.waitForFunction((sid) => !document.querySelector(`#scenario-store-list li[data-scenario-id="${sid}"]`), id, { timeout: 30000 });
      assert.equal((await probe(server.url, `/scenarios/${id}`)).status, 404);
      assert.equal(await page.locator('#scenario-store-list li').count(), listed);
    } finally {
      await context.close();
    }
  });
});
