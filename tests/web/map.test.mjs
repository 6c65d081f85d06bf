// The map page on a real service: base layers, attribution, offline, crossings closed by a map click, narrow layout.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mapIdle, launchBrowser, openPage, screenshot, skipReason, startServer } from './harness.mjs';

const skip = skipReason();
if (skip) console.log(`# SKIP: ${skip}`);

describe('web map: layers and crossings', { skip: skip ?? false }, () => {
  let server, browser;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('loads the base layers from the service, offline, with attribution', async () => {
    const { page, external, context } = await openPage(browser, server.url);
    try {
      const error = await page.locator('#error:not([hidden]) #error-text').textContent({ timeout: 500 }).catch(() => '');
      assert.equal(error, '', `the page shows an error after loading: ${error}`);
      const crossings = await page.locator('#crossing-list li').count();
      assert.ok(crossings >= 5, `expected the crossings layer in the panel, got ${crossings} items`);
      await assert.doesNotReject(page.locator('#attribution').waitFor({ state: 'visible' }));
      const attribution = await page.locator('#attribution').textContent();
      for (const source of ['OpenStreetMap contributors', 'Natural Earth', 'GeoNames', "Who's On First", 'DCW/DIVA-GIS']) {
        assert.ok(attribution.includes(source), `attribution lacks ${source}`);
      }
      const hasMap = await page.evaluate(() => window.aras.map.hasMap);
      if (hasMap) {
        assert.ok(await page.locator('#map canvas').isVisible(), 'map canvas not visible');
        const drawn = await page.evaluate(async () => {
          const m = window.aras.map.map;
          await new Promise((r) => { m.once('idle', r); m.triggerRepaint(); setTimeout(r, 15000); });
          return m.querySourceFeatures('roads').length;
        });
        assert.ok(drawn > 0, 'no road drawn on the map');
      } else {
        assert.ok(await page.locator('#map-message').isVisible(), 'no WebGL and no message saying so');
      }
      assert.deepEqual(external, [], `the page requested external URLs: ${external.join(', ')}`);
      await mapIdle(page);
      await screenshot(page, 'map-1280x800');
    } finally {
      await context.close();
    }
  });

  test('clicking a crossing on the map closes it, clicking again reopens it', async () => {
    const { page, context } = await openPage(browser, server.url);
    try {
      const hasMap = await page.evaluate(() => window.aras.map.hasMap);
      const row = page.locator('#crossing-list li[data-crossing-id="astara"]');
      assert.equal(await row.count(), 1, 'Astara crossing missing from the panel');
      assert.equal(await row.getAttribute('data-state'), 'open');
      const click = async () => {
        if (!hasMap) return row.getByRole('button').click();
        // Zoom onto the crossing so its circle is the only thing under the pointer, then click its pixel.
        const xy = await page.evaluate(async () => {
          const c = window.aras.state.crossings.find((x) => x.id === 'astara');
          const m = window.aras.map.map;
          m.jumpTo({ center: c.lonLat, zoom: 10 });
          await new Promise((r) => { m.once('idle', r); m.triggerRepaint(); setTimeout(r, 8000); });
          const p = m.project(c.lonLat);
          const box = m.getCanvas().getBoundingClientRect();
          return { x: box.left + p.x, y: box.top + p.y };
        });
        await page.mouse.click(xy.x, xy.y);
      };
      await click();
      await page.waitForSelector('#crossing-list li[data-crossing-id="astara"][data-state="closed-by-planner"]', { timeout: 10000 });
      assert.match(await row.locator('[data-role=status]').textContent(), /closed/);
      await mapIdle(page);
      await screenshot(page, 'crossing-closed');
      await click();
      await page.waitForSelector('#crossing-list li[data-crossing-id="astara"][data-state="open"]', { timeout: 10000 });
    } finally {
      await context.close();
    }
  });

  test('without WebGL the page says so and the panel still works', async () => {
    const { page, context } = await openPage(browser, server.url, { noWebGL: true });
    try {
      assert.ok(await page.locator('#map-message').isVisible(), 'no message instead of the map');
      assert.match(await page.locator('#map-message').textContent(), /WebGL/);
      assert.ok(await page.locator('#crossing-list li').count() >= 5, 'crossings panel empty without WebGL');
      await page.locator('#crossing-list li[data-crossing-id="astara"] button').click();
      await page.waitForSelector('#crossing-list li[data-crossing-id="astara"][data-state="closed-by-planner"]');
      await screenshot(page, 'no-webgl');
    } finally {
      await context.close();
    }
  });

  test('narrow screen: the panel stacks below the map and the page is keyboard reachable', async () => {
    const { page, context } = await openPage(browser, server.url, { width: 390, height: 844 });
    try {
      const map = await page.locator('.map-wrap').boundingBox();
      const panel = await page.locator('.panel').boundingBox();
      assert.ok(map.width > 350 && panel.width > 350, `map ${map.width}px / panel ${panel.width}px wide on a 390px screen`);
      assert.ok(panel.y >= map.y + map.height - 1, `panel (y=${panel.y}) is not below the map (bottom ${map.y + map.height})`);
      await mapIdle(page);
      await screenshot(page, 'narrow-390x844');
      // Keyboard: Tab from the top reaches the place search box, and focus is visible there.
      await page.keyboard.press('Tab');
      let reached = false;
      for (let i = 0; i < 40 && !reached; i++) {
        reached = await page.evaluate(() => document.activeElement?.id === 'search-q');
        if (!reached) await page.keyboard.press('Tab');
      }
      assert.ok(reached, 'the search box is not reachable with Tab');
    } finally {
      await context.close();
    }
  });
});
