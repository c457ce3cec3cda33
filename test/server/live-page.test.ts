// The live page (--live-page) in a real browser: Debian's chromium, driven by
// playwright-core (which uses the installed browser and downloads none),
// loads /live from a real control plane on the file source while a
// lookaside channel and a grpc-js-xds channel send weighted calls to real
// grpc-js backends. The page must show the service, its backends with their
// weights and intended shares, the clients in sync, and follow a registry
// change without a reload. It draws the screenshot in docs/images/live-page.png.
//
// Also over plain HTTP: the JSON and events endpoints, clear errors for an
// unknown path and a wrong method, and the page off unless enabled.

import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { registerLookaside, type LookasideRegistration } from 'grpc-lookaside-client';
import { startFileControlPlane, type FileControlPlane, type FileService } from '../support/file-control-plane.js';
import { startIdentityBackends, waitFor, type IdentityBackend, type IdentityClient } from '../support/identity-backends.js';
import { IdentityClient as Client } from '../support/identity-backends.js';
import { xdsIdentityClient } from '../support/xds-client.js';
import { RawAdsClient, TYPES } from '../support/raw-ads-client.js';
import { isLoopbackAddress } from '../../src/server/live-page/live-page-server.js';
import type { LiveView } from '../../src/observer/live-view.js';

const CHROMIUM = '/usr/bin/chromium';
// The screenshot in the docs is rewritten only when asked (LOOKASIDE_UPDATE_SCREENSHOT=1,
// CONTRIBUTING.md): every run draws other ports and times, and a test run
// leaves the working tree as it found it.
const SCREENSHOT = process.env.LOOKASIDE_UPDATE_SCREENSHOT === '1' ? join(dirname(fileURLToPath(import.meta.url)), '../../docs/images/live-page.png') : join(tmpdir(), `lookaside-live-page-${process.pid}.png`);
const CLUSTER = 'greeter.test:8080';

function greeter(backends: readonly IdentityBackend[], weights: readonly number[]): FileService {
  return { name: 'greeter', namespace: 'test', ports: [{ name: 'grpc', port: 8080, backends: backends.map((b, i) => ({ address: b.address, weight: weights[i]!, zone: `zone-${'abc'[i % 3]!}` })) }] };
}

let backends: IdentityBackend[];
let cp: FileControlPlane;
let pageUrl: string;
let lookaside: LookasideRegistration;
const clients: IdentityClient[] = [];
let browser: BrowserContext | undefined;
let profile: string;

beforeAll(async () => {
  backends = await startIdentityBackends(3, 'greeter');
  cp = await startFileControlPlane([greeter(backends, [100, 200, 300])], {
    // Reports twice a second rather than every 10 s: the test waits for them.
    controlPlane: { metrics: { host: '127.0.0.1', port: 0 }, livePage: {}, loadReports: { intervalMs: 500 } },
  });
  pageUrl = `http://127.0.0.1:${cp.controlPlane.metricsPort!}/live`;
  lookaside = registerLookaside({ controlPlane: cp.address, startTimeoutMs: 5_000 });
  clients.push(new Client(`lookaside:///${CLUSTER}`), xdsIdentityClient(CLUSTER, { controlPlane: cp.address, nodeId: 'live-page-xds' }));
}, 30_000);

afterAll(async () => {
  await browser?.close();
  for (const client of clients) client.close();
  lookaside?.close();
  await cp?.close();
  await Promise.all((backends ?? []).map((b) => b.stop()));
  if (profile) await rm(profile, { recursive: true, force: true });
});

async function launch(): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the live page is tested in Debian's chromium; install it with: apt-get update && apt-get install -y --no-install-recommends chromium (.ci/run does so)`);
  }
  profile = await mkdtemp(join(tmpdir(), 'lookaside-chromium-'));
  // A fresh profile directory: nothing of an earlier run is cached.
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 720 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

async function view(): Promise<LiveView> {
  const response = await fetch(`${pageUrl}/snapshot.json`);
  expect(response.status).toBe(200);
  return (await response.json()) as LiveView;
}

describe('the live page in chromium', () => {
  it('shows the services, backends with weights and intended shares, and the clients in sync; follows a weight change without a reload', { timeout: 60_000 }, async () => {
    // Traffic from both kinds of client, so both streams exist and have been answered.
    for (const client of clients) {
      const { failures } = await client.spread(600, 16);
      expect(failures).toEqual([]);
    }
    await waitFor('both clients to show in the observer, the xDS one in sync', () => {
      const statuses = cp.controlPlane.observer.snapshot().clients.filter((c) => c.connected);
      return statuses.some((c) => c.protocol === 'lookaside') && statuses.some((c) => c.protocol === 'xds' && c.inSync === true);
    });

    browser = await launch();
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(pageUrl);
    const service = page.locator(`[data-cluster="${CLUSTER}"]`);
    await service.locator('tr[data-backend]').nth(2).waitFor();
    await page.locator('#connection[data-state="live"]').waitFor();

    const rows = service.locator('tr[data-backend]');
    expect(await rows.count()).toBe(3);
    for (const [index, backend] of backends.entries()) {
      const row = service.locator(`tr[data-backend="${backend.address}"]`);
      expect(await row.locator('.weight').textContent()).toBe(String((index + 1) * 100));
      expect(await row.locator('.zone').textContent()).toBe(`zone-${'abc'[index]!}`);
      expect(await row.locator('.rank').textContent()).toBe('0');
      // Weights 1:2:3 intend 16.7 %, 33.3 %, 50 %.
      expect(await row.locator('.intended-share').textContent()).toBe(`intended ${(((index + 1) / 6) * 100).toFixed(1)} %`);
      const width = await row.locator('.bar.intended > span').evaluate((bar) => (bar as unknown as { style: { width: string } }).style.width);
      expect(parseFloat(width)).toBeCloseTo(((index + 1) / 6) * 100, 3);
    }

    const xdsRow = page.locator('tr[data-client="live-page-xds"]');
    await xdsRow.waitFor();
    expect(await xdsRow.locator('.in-sync').textContent()).toBe('in sync');
    expect(await xdsRow.locator('.versions').textContent()).toMatch(/^listener \S{1,8} ✓, .*cluster_load_assignment \S{1,8} ✓$/);
    const lookasideRows = page.locator('#clients tr', { hasText: 'lookaside' });
    expect(await lookasideRows.count()).toBeGreaterThanOrEqual(1);
    expect(await lookasideRows.first().locator('.in-sync').textContent()).not.toBe('out of sync');

    // What the page shows is what the JSON endpoint serves.
    const served = await view();
    const servedService = served.services.find((s) => s.cluster === CLUSTER)!;
    const byAddress = (a: [string, number | undefined], b: [string, number | undefined]) => a[0].localeCompare(b[0]);
    expect(servedService.backends.map((b): [string, number | undefined] => [b.address, b.weight]).sort(byAddress)).toEqual(backends.map((b, i): [string, number | undefined] => [b.address, (i + 1) * 100]).sort(byAddress));

    // Load reports come at the interval the LRS server sets: the xDS client's 600 calls at least.
    await waitFor('the xDS client to report its calls', async () => {
      const reported = (await view()).services.find((s) => s.cluster === CLUSTER)!;
      return reported.succeeded + reported.failed >= 600;
    }, 30_000);
    // The measured shares drawn are the ones the view holds.
    await waitFor('the page to draw the measured shares the view holds', async () => {
      const current = (await view()).services.find((s) => s.cluster === CLUSTER)!;
      for (const backend of current.backends) {
        const shown = await service.locator(`tr[data-backend="${backend.address}"] .measured-share`).textContent();
        if (shown !== `measured ${backend.measuredShare === undefined ? '—' : `${backend.measuredShare.toFixed(1)} %`}`) return false;
      }
      return true;
    });
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    if (process.env.LOOKASIDE_UPDATE_SCREENSHOT !== '1') rmSync(SCREENSHOT);

    // A registry change reaches the open page over the event stream, with no reload.
    await page.evaluate(() => ((globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true));
    await cp.write([greeter(backends, [400, 200, 300])]);
    const first = service.locator(`tr[data-backend="${backends[0]!.address}"]`);
    await page.waitForFunction((address) => {
      const row = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector(`tr[data-backend="${address}"] .weight`);
      return row?.textContent === '400';
    }, backends[0]!.address);
    expect(await first.locator('.intended-share').textContent()).toBe(`intended ${((400 / 900) * 100).toFixed(1)} %`);
    expect(await page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);

    // The filter narrows the rows without a request.
    await page.fill('#filter', backends[1]!.address);
    expect(await rows.count()).toBe(1);
    await page.fill('#filter', '');
    expect(await rows.count()).toBe(3);

    expect(problems).toEqual([]);
  });

  it('draws at most 50 backends of a service with thousands, and shows 50 more on request', { timeout: 60_000 }, async () => {
    const many: FileService = { name: 'wide', namespace: 'test', ports: [{ port: 9090, backends: Array.from({ length: 3_000 }, (_, i) => ({ address: `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}:9090` })) }] };
    await cp.write([greeter(backends, [400, 200, 300]), many]);
    browser ??= await launch();
    const page = await browser.newPage();
    await page.goto(pageUrl);
    const wide = page.locator('[data-cluster="wide.test:9090"]');
    await wide.locator('tr[data-backend]').first().waitFor();
    expect(await wide.locator('tr[data-backend]').count()).toBe(50);
    expect(await wide.locator('button.more').textContent()).toBe('show 50 more of 2950');
    await wide.locator('button.more').click();
    expect(await wide.locator('tr[data-backend]').count()).toBe(100);
    await page.fill('#filter', '127.1.11.250');
    expect(await wide.locator('tr[data-backend]').count()).toBe(1);
    await page.close();
  });

  it('shows measured shares within 2 points of the calls each backend counted, a failing backend\'s error rate, and a client that NACKs as out of sync with its error', { timeout: 90_000 }, async () => {
    const measured = await startIdentityBackends(3, 'measured');
    const client = xdsIdentityClient('measured.test:9100', { controlPlane: cp.address, nodeId: 'live-page-measured' });
    const nacker = new RawAdsClient(cp.address);
    try {
      await cp.write([
        greeter(backends, [400, 200, 300]),
        { name: 'measured', namespace: 'test', ports: [{ port: 9100, backends: measured.map((b, i) => ({ address: b.address, weight: i + 1 })) }] },
      ]);
      measured[0]!.mode = 'fail';
      const { failures } = await client.spread(1_200, 16);
      const counted = measured.map((b) => b.calls);
      const total = counted.reduce((sum, calls) => sum + calls, 0);
      expect(total).toBe(1_200);
      expect(failures).toHaveLength(counted[0]!);

      nacker.send({ node: { id: 'live-page-nacker' }, type_url: TYPES.listener, resource_names: [CLUSTER] });
      const offered = await nacker.next();
      nacker.send({ node: { id: 'live-page-nacker' }, type_url: TYPES.listener, resource_names: [CLUSTER], version_info: '', response_nonce: offered.nonce, error_detail: { code: 3, message: 'cannot use this listener' } });

      browser ??= await launch();
      const page = await browser.newPage();
      await page.goto(pageUrl);
      const section = page.locator('[data-cluster="measured.test:9100"]');
      // Load reports come at the interval the LRS server sets: wait for all 1,200 calls to be reported.
      await waitFor('the page to show every call reported', async () => (await section.locator('h3 .subtle').textContent())?.includes('1,200 calls') === true, 60_000);
      for (const [index, backend] of measured.entries()) {
        const row = section.locator(`tr[data-backend="${backend.address}"]`);
        const shown = parseFloat(/measured ([\d.]+) %/.exec((await row.locator('.measured-share').textContent()) ?? '')![1]!);
        expect(Math.abs(shown - (counted[index]! / total) * 100), `${backend.name}: shown ${shown} %, counted ${counted[index]} of ${total}`).toBeLessThanOrEqual(2);
        // Weights 1:2:3: the gap from the intended share is shown beside it.
        const [, sign, points] = /^([+−])([\d.]+) points from intended$/.exec((await row.locator('.deviation').textContent()) ?? '')!;
        expect(Math.abs((sign === '−' ? -1 : 1) * parseFloat(points!) - (shown - ((index + 1) / 6) * 100))).toBeLessThanOrEqual(0.1);
        const errors = parseFloat((await row.locator('.errors').textContent()) ?? '');
        expect(Math.abs(errors - (index === 0 ? 100 : 0)), `${backend.name} errors`).toBeLessThanOrEqual(5);
      }
      expect(await section.locator(`tr[data-backend="${measured[0]!.address}"] .errors`).getAttribute('class')).toMatch(/high-errors/);

      const nacking = page.locator('tr[data-client="live-page-nacker"]');
      await nacking.locator('.in-sync', { hasText: 'out of sync' }).waitFor();
      expect(await nacking.locator('.error').textContent()).toMatch(/^listener \S+: cannot use this listener$/);
      await page.close();
    } finally {
      nacker.close();
      client.close();
      await Promise.all(measured.map((b) => b.stop()));
    }
  });
});

describe('the live page over HTTP', () => {
  it('serves the view as JSON and as server-sent events', async () => {
    const served = await view();
    expect(served.services.map((s) => s.cluster)).toContain(CLUSTER);
    const controller = new AbortController();
    const response = await fetch(`${pageUrl}/events`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    let text = '';
    while (!/\n\n(event: snapshot\ndata: .*\n\n)/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    const data = /event: snapshot\ndata: (.*)\n\n/.exec(text)![1]!;
    expect((JSON.parse(data) as LiveView).services.map((s) => s.cluster)).toContain(CLUSTER);
    controller.abort();
  });

  it('coalesces a burst of changes into one event carrying the last state', async () => {
    const quiet = await startFileControlPlane([{ name: 'burst', namespace: 'test', ports: [{ port: 7000, backends: [{ address: '127.0.0.1:7000', weight: 1 }] }] }], {
      controlPlane: { metrics: { host: '127.0.0.1', port: 0 }, livePage: {} },
    });
    const controller = new AbortController();
    try {
      const response = await fetch(`http://127.0.0.1:${quiet.controlPlane.metricsPort!}/live/events`, { signal: controller.signal });
      const reader = response.body!.getReader();
      const events: LiveView[] = [];
      let buffered = '';
      const nextEvent = async (): Promise<LiveView> => {
        for (;;) {
          const match = /event: snapshot\ndata: (.*)\n\n/.exec(buffered);
          if (match) {
            buffered = buffered.slice(match.index + match[0].length);
            events.push(JSON.parse(match[1]!) as LiveView);
            return events.at(-1)!;
          }
          buffered += new TextDecoder().decode((await reader.read()).value);
        }
      };
      const weightOf = (v: LiveView) => v.services.find((s) => s.cluster === 'burst.test:7000')?.backends[0]?.weight;
      expect(weightOf(await nextEvent())).toBe(1);
      // 50 changes in one turn of the event loop: one push, with the last.
      for (let weight = 2; weight <= 51; weight++) {
        quiet.controlPlane.registry.upsert({ name: 'burst', namespace: 'test', ports: [{ name: '', port: 7000, backends: [{ host: '127.0.0.1', port: 7000, weight }] }] });
      }
      expect(weightOf(await nextEvent())).toBe(51);
      // One more change after it: its event comes next, with none other between.
      quiet.controlPlane.registry.upsert({ name: 'burst', namespace: 'test', ports: [{ name: '', port: 7000, backends: [{ host: '127.0.0.1', port: 7000, weight: 52 }] }] });
      expect(weightOf(await nextEvent())).toBe(52);
      expect(events.map(weightOf)).toEqual([1, 51, 52]);
    } finally {
      controller.abort();
      await quiet.close();
    }
  });

  it('answers an unknown path and a wrong method with errors that say what is served', async () => {
    const unknown = await fetch(`${pageUrl}/nothing`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('not found: /live/nothing; the live page serves /live, /live/live-page.css, /live/live-page.js, /live/favicon.svg, /live/snapshot.json, /live/events\n');
    const posted = await fetch(`${pageUrl}/snapshot.json`, { method: 'POST', body: '{}' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET, HEAD');
    expect(await posted.text()).toBe('method not allowed: POST /live/snapshot.json; only GET\n');
    expect((await fetch(`http://127.0.0.1:${cp.controlPlane.metricsPort!}/metrics`)).status).toBe(200);
  });

  it('is off unless enabled: the metrics port alone answers /live with not found', async () => {
    const plain = await startFileControlPlane([], { controlPlane: { metrics: { host: '127.0.0.1', port: 0 } } });
    try {
      const response = await fetch(`http://127.0.0.1:${plain.controlPlane.metricsPort!}/live`);
      expect(response.status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('counts only loopback addresses as loopback', () => {
    for (const address of ['127.0.0.1', '127.9.8.7', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(address), address).toBe(true);
    for (const address of ['10.0.3.7', '0.0.0.0', '::', '::ffff:10.0.0.1', 'fe80::1', '', undefined]) expect(isLoopbackAddress(address), String(address)).toBe(false);
  });
});
