// End to end in Debian's Chromium: the real tracker (built dist), the real web app (next start
// of the real build) and two real peer agents, all on 127.0.0.1. One agent seeds a file; the
// browser uploads its .torrent through the form, finds it, pairs with the other agent, asks it to
// download, watches the progress reach 100%, and the downloaded bytes are compared.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { hasTool, testWithTools } from '../../../../test-support/tools.js';
import { freePort } from '../../../../test-support/ports.js';
import { spawnProc, type Proc } from '../../../../test-support/processes.js';
import { waitFor, waitForHttp } from '../../../../test-support/wait.js';

const test = testWithTools('chromium', 'mktorrent');

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const webDir = path.join(repoRoot, 'apps/web');
const trackerMain = path.join(repoRoot, 'apps/tracker-api/dist/main.js');
const agentBin = path.join(repoRoot, 'apps/peer-agent/bin/peer-agent.js');
const agentMain = path.join(repoRoot, 'apps/peer-agent/dist/cli/main.js');
const nextBin = path.join(repoRoot, 'node_modules/next/dist/bin/next');
const screenshotDir = path.join(repoRoot, 'test-artifacts/screenshots');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Agent {
  process: Proc;
  apiUrl: string;
  pairingLink: string;
  token: string;
  downloadDir: string;
}

/** `npm test` builds everything first; a bare `vitest run` of this file builds what is missing. */
function ensureBuilt(): void {
  if (!existsSync(trackerMain) || !existsSync(agentMain)) {
    execFileSync('npx', ['tsc', '-b', 'apps/tracker-api', 'apps/peer-agent'], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
  }
  if (!existsSync(path.join(webDir, '.next/BUILD_ID'))) {
    execFileSync(process.execPath, [nextBin, 'build'], { cwd: webDir, stdio: 'inherit' });
  }
}

describe('the web app in Chromium, against the real tracker and agents', () => {
  let workDir: string;
  let tracker: Proc;
  let trackerUrl: string;
  let web: Proc;
  let webUrl: string;
  let seeder: Agent;
  let downloader: Agent;
  let browser: Browser;
  let context: BrowserContext;
  const started: Proc[] = [];

  // The shared file: random bytes, so equal bytes at the end prove a real transfer.
  const fileName = 'swarmhub-e2e-sample.bin';
  const title = 'Swarmhub end-to-end sample';
  let original: Buffer;
  let torrentPath: string;
  let infoHash: string;

  async function startAgent(name: string): Promise<Agent> {
    const dataDir = path.join(workDir, name, 'data');
    const downloadDir = path.join(workDir, name, 'downloads');
    mkdirSync(dataDir, { recursive: true });
    mkdirSync(downloadDir, { recursive: true });
    const agentProcess = spawnProc(
      process.execPath,
      [
        agentBin,
        'serve',
        '--data-dir',
        dataDir,
        '--api-port',
        '0',
        '--peer-port',
        '0',
        '--download-dir',
        downloadDir,
        '--allowed-root',
        workDir,
        '--allow-origin',
        webUrl,
        '--web-url',
        webUrl,
      ],
      `agent ${name}`,
    );
    started.push(agentProcess);
    const [, apiUrl] = await agentProcess.waitFor(/agent API on (http:\/\/127\.0\.0\.1:\d+)/);
    const [pairingLink] = await agentProcess.waitFor(/http:\/\/\S+\/agent#\S+/);
    const token = (await readFile(path.join(dataDir, 'token'), 'utf8')).trim();
    return {
      process: agentProcess,
      apiUrl: apiUrl!,
      pairingLink: pairingLink!,
      token,
      downloadDir,
    };
  }

  async function agentApi<T>(
    agent: Agent,
    method: string,
    apiPath: string,
    body?: unknown,
  ): Promise<T> {
    const response = await fetch(agent.apiUrl + apiPath, {
      method,
      headers: {
        Authorization: `Bearer ${agent.token}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${apiPath} -> ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
  }

  beforeAll(async () => {
    if (!hasTool('chromium') || !hasTool('mktorrent')) return;
    ensureBuilt();
    mkdirSync(screenshotDir, { recursive: true });
    workDir = await mkdtemp(path.join(os.tmpdir(), 'swarmhub-web-e2e-'));

    tracker = spawnProc(process.execPath, [trackerMain], 'tracker', {
      env: {
        TRACKER_PORT: '0',
        TRACKER_HOST: '127.0.0.1',
        TRACKER_DATABASE_PATH: path.join(workDir, 'tracker.sqlite'),
        TRACKER_INTERVAL: '10',
        TRACKER_LOG_LEVEL: 'warn',
      },
    });
    started.push(tracker);
    trackerUrl = (await tracker.waitFor(/announce\s+(http:\/\/127\.0\.0\.1:\d+)\/announce/))[1]!;

    const webPort = await freePort();
    webUrl = `http://127.0.0.1:${webPort}`;
    web = spawnProc(
      process.execPath,
      [nextBin, 'start', '-p', String(webPort), '-H', '127.0.0.1'],
      'web',
      {
        cwd: webDir,
        env: { TRACKER_API_URL: trackerUrl, NEXT_TELEMETRY_DISABLED: '1' },
      },
    );
    started.push(web);
    await waitForHttp(`${webUrl}/upload`, { timeoutMs: 60_000, whileRunning: web });

    [seeder, downloader] = await Promise.all([startAgent('seeder'), startAgent('downloader')]);

    original = randomBytes(3 * 1024 * 1024 + 12_345);
    await writeFile(path.join(seeder.downloadDir, fileName), original);
    torrentPath = path.join(workDir, `${fileName}.torrent`);
    // 64 KiB pieces: about 50, enough for a piece picture with something in it.
    execFileSync(
      'mktorrent',
      [
        '-a',
        `${trackerUrl}/announce`,
        '-l',
        '16',
        '-o',
        torrentPath,
        path.join(seeder.downloadDir, fileName),
      ],
      {
        stdio: 'ignore',
      },
    );

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    // Stopped one by one by PID, the web and agents before the tracker they talk to.
    for (const running of started.reverse()) await running.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  test('an empty catalog explains how to add a torrent, on a wide screen and on a phone', async () => {
    const page = await context.newPage();
    await page.goto(webUrl);
    await page.getByRole('heading', { name: 'The catalog is empty' }).waitFor();
    await page.getByRole('link', { name: 'Upload a .torrent file' }).waitFor();
    await screenshot(page, 'catalog-empty');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'catalog-empty-phone');
    await page.close();
  });

  test('the browser refuses a file that is not a torrent before sending it', async () => {
    const page = await context.newPage();
    await page.goto(`${webUrl}/upload`);
    await page.getByLabel('Torrent file').setInputFiles({
      name: 'holiday.jpg',
      mimeType: 'image/jpeg',
      buffer: Buffer.from([0xff, 0xd8, 0xff]),
    });
    await page.getByText('“holiday.jpg” is not a .torrent file').waitFor();
    await page.getByLabel('Torrent file').setInputFiles({
      name: 'page.torrent',
      mimeType: 'application/x-bittorrent',
      buffer: Buffer.from('<html>'),
    });
    await page.getByText('is not a torrent file (it is not bencoded)').waitFor();
    let posted = false;
    page.on('request', (request) => {
      if (request.method() === 'POST') posted = true;
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText('is not a torrent file (it is not bencoded)').waitFor();
    expect(posted).toBe(false);
    await page.close();
  });

  test("the tracker's refusal is shown next to the form", async () => {
    const page = await context.newPage();
    await page.goto(`${webUrl}/upload`);
    // Bencoded, so it passes the browser's check, but no `info` dictionary: the tracker says why.
    await page.getByLabel('Torrent file').setInputFiles({
      name: 'empty.torrent',
      mimeType: 'application/x-bittorrent',
      buffer: Buffer.from('d4:spam4:eggse'),
    });
    await page.getByLabel('Title').fill('Kept after the error');
    await page.getByRole('button', { name: 'Upload' }).click();
    const alert = page.locator('.notice-error[role="alert"]');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/not a valid \.torrent file/);
    expect(await page.getByLabel('Title').inputValue()).toBe('Kept after the error');
    expect(page.url()).toBe(`${webUrl}/upload`);
    await screenshot(page, 'upload-server-error');
    await page.close();
  });

  test('uploading through the form leads to the torrent page with everything about it', async () => {
    const page = await context.newPage();
    await page.goto(`${webUrl}/upload`);
    await screenshot(page, 'upload');
    await page.getByLabel('Torrent file').setInputFiles(torrentPath);
    await page.getByLabel('Title').fill(title);
    await page
      .getByLabel('Description')
      .fill('Random bytes that the end-to-end test shares between two agents.');
    await page.getByLabel('Category').fill('Testing');
    await page.getByLabel('Tags').fill('e2e, random');
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.waitForURL(/\/torrents\/[0-9a-f]{40}$/);
    infoHash = page.url().split('/').pop()!;

    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    const details = await page.locator('.facts').innerText();
    expect(details).toContain(infoHash);
    expect(details).toContain(`${original.length.toLocaleString('en')} bytes`);
    expect(details).toContain(`${Math.ceil(original.length / 65536)} × 64.0 KiB`);
    expect(details).toMatch(/mktorrent/);
    expect(await page.locator('.file-tree').innerText()).toContain(fileName);
    expect(await page.getByLabel('Magnet link').inputValue()).toMatch(
      new RegExp(`^magnet:\\?xt=urn:btih:${infoHash}`, 'i'),
    );
    await page.getByRole('button', { name: 'Download with my agent' }).waitFor();
    await page.getByText('No one has completed this torrent yet.').waitFor();

    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: webUrl });
    await page.getByRole('button', { name: 'Copy magnet link' }).click();
    await page.getByText('Copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      await page.getByLabel('Magnet link').inputValue(),
    );

    // The .torrent offered for download is the uploaded file, byte for byte.
    const href = await page.getByRole('link', { name: 'Download .torrent' }).getAttribute('href');
    const served = await page.request.get(new URL(href!, webUrl).toString());
    expect(served.headers()['content-type']).toBe('application/x-bittorrent');
    expect(Buffer.from(await served.body()).equals(await readFile(torrentPath))).toBe(true);
    await screenshot(page, 'torrent');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'torrent-phone');
    await page.close();
  });

  test('dropping the same torrent on the form again links to the one already in the catalog', async () => {
    expect(infoHash).toMatch(/^[0-9a-f]{40}$/);
    const page = await context.newPage();
    await page.goto(`${webUrl}/upload`);
    // Dropped onto the form this time, as a file dragged from the desktop arrives.
    const bytes = [...(await readFile(torrentPath))];
    const dataTransfer = await page.evaluateHandle(
      ({ bytes, name }) => {
        const transfer = new DataTransfer();
        transfer.items.add(
          new File([new Uint8Array(bytes)], name, { type: 'application/x-bittorrent' }),
        );
        return transfer;
      },
      { bytes, name: path.basename(torrentPath) },
    );
    await page.locator('.drop-zone').dispatchEvent('drop', { dataTransfer });
    await page.getByText(`${path.basename(torrentPath)} (`).waitFor();
    await page.getByRole('button', { name: 'Upload' }).click();
    const link = page.getByRole('link', { name: 'Open the torrent already in the catalog' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/torrents/${infoHash}`);
    await screenshot(page, 'upload-duplicate');
    await page.close();
  });

  test('the catalog finds the torrent by a word of its title and links to its page', async () => {
    const page = await context.newPage();
    await page.goto(webUrl);
    await page.getByRole('searchbox', { name: 'Search' }).fill('end-to-end');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\?q=end-to-end/);
    const row = page.getByRole('row', { name: new RegExp(title) });
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).toBe('3.01 MiB');
    expect(cells[4]).toMatch(/just now|seconds? ago|minutes? ago/);
    await screenshot(page, 'catalog-search');

    // From the keyboard: Enter in the search box submits.
    await page.getByRole('searchbox', { name: 'Search' }).fill('no-such-words-anywhere');
    await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
    await page.getByRole('heading', { name: 'No torrents match' }).waitFor();

    await page.goto(webUrl);
    await page.getByRole('link', { name: title }).click();
    await page.waitForURL(`${webUrl}/torrents/${infoHash}`);

    await page.goto(`${webUrl}/torrents/${'0'.repeat(40)}`);
    await page.getByRole('heading', { name: 'Torrent not found' }).waitFor();
    await page.goto(`${webUrl}/no/such/page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.close();
  });

  test('the agent page says what to do when no agent is paired', async () => {
    const page = await context.newPage();
    await page.goto(`${webUrl}/agent`);
    await page.getByRole('heading', { name: 'No agent paired with this browser' }).waitFor();
    expect(await page.getByTestId('agent-status').innerText()).toContain('npx peer-agent serve');
    await page
      .getByRole('heading', { name: /Allow access to devices on your local network/ })
      .waitFor();
    await screenshot(page, 'agent-unpaired');

    // The torrent page's button says the same instead of failing silently.
    await page.goto(`${webUrl}/torrents/${infoHash}`);
    await page.getByRole('button', { name: 'Download with my agent' }).click();
    await page.getByText('This browser is not paired with an agent yet.').waitFor();

    await page.goto(`${webUrl}/agent`);

    // Paired with an agent that is not running: the page says so instead of hanging.
    await page.getByLabel('Agent address').fill(`http://127.0.0.1:${await freePort()}`);
    await page.getByLabel('Token').fill('not-a-running-agent');
    await page.getByRole('button', { name: 'Pair' }).click();
    await page
      .getByRole('heading', { name: 'Your agent cannot be reached' })
      .waitFor({ timeout: 15_000 });
    await screenshot(page, 'agent-unreachable');
    await page.evaluate(() => localStorage.clear());
    await page.close();
  });

  test('download with my agent: pairing link, one click, progress to 100%, identical bytes', async () => {
    expect(infoHash).toMatch(/^[0-9a-f]{40}$/);
    // Opened before anyone seeds: its swarm counts must change without a reload.
    const torrentPage = await context.newPage();
    await torrentPage.goto(`${webUrl}/torrents/${infoHash}`);
    expect(await torrentPage.locator('.swarm-counts .seeders').innerText()).toBe('0');

    // The seeder agent shares the file it already holds.
    await agentApi(seeder, 'POST', '/api/v1/torrents', {
      torrent: (await readFile(torrentPath)).toString('base64'),
      saveDir: seeder.downloadDir,
    });
    await waitFor('the seeder to verify its data and seed', async () => {
      const transfer = await agentApi<{ state: string; progress: number }>(
        seeder,
        'GET',
        `/api/v1/torrents/${infoHash}`,
      );
      return transfer.state === 'seeding' && transfer.progress === 1 ? true : undefined;
    });

    await torrentPage
      .locator('.swarm-counts .seeders', { hasText: /^1$/ })
      .waitFor({ timeout: 30_000 });
    await torrentPage.close();

    const page = await context.newPage();
    await page.goto(downloader.pairingLink);
    await page.getByText('Connected to your agent').waitFor({ timeout: 15_000 });
    // The token is stored, and gone from the address bar.
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.evaluate(() => localStorage.getItem('swarmhub.agent'))).toContain(
      downloader.token,
    );
    await page.getByText('Your agent has no transfers.').waitFor();
    await screenshot(page, 'agent-paired-empty');

    // Slowed down so the page can be seen mid-transfer: partial progress, a peer, some pieces.
    await agentApi(downloader, 'PATCH', '/api/v1/settings', { downloadRateLimit: 256 * 1024 });
    await page.goto(`${webUrl}/torrents/${infoHash}`);
    await page.getByRole('button', { name: 'Download with my agent' }).click();
    await page.getByText('Your agent is fetching').waitFor({ timeout: 15_000 });
    await page.getByRole('link', { name: 'Watch the progress' }).click();
    await page.waitForURL(/\/agent\?select=/);

    const progress = page.getByRole('progressbar', { name: `Progress of ${fileName}` });
    await progress.waitFor({ timeout: 15_000 });
    await page.waitForFunction(
      () => {
        const value = Number(
          document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow'),
        );
        return value > 0 && value < 100;
      },
      undefined,
      { timeout: 30_000 },
    );
    await page
      .locator('#transfer-detail tbody tr', { hasText: '127.0.0.1' })
      .first()
      .waitFor({ timeout: 15_000 });
    // The piece picture tells pieces being fetched apart from done and missing ones, in words too.
    const midway = /^\d+ done, [1-9]\d* in progress, [1-9]\d* missing \(of \d+ pieces\)$/;
    await page.getByRole('img', { name: midway }).waitFor({ timeout: 15_000 });
    await page
      .locator('#transfer-detail figcaption', { hasText: / [1-9]\d* in progress, / })
      .waitFor();
    await screenshot(page, 'agent-downloading');
    await agentApi(downloader, 'PATCH', '/api/v1/settings', { downloadRateLimit: 0 });
    await page.locator('[role="progressbar"][aria-valuenow="100"]').waitFor({ timeout: 90_000 });
    await page.getByText('Seeding', { exact: true }).first().waitFor();
    // The details panel draws every piece as done, none in progress.
    const pieces = Math.ceil(original.length / 65536);
    await page
      .getByRole('img', { name: `${pieces} done, 0 in progress, 0 missing (of ${pieces} pieces)` })
      .waitFor();
    await screenshot(page, 'agent-complete');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'agent-complete-phone');

    const downloaded = await readFile(path.join(downloader.downloadDir, fileName));
    expect(downloaded.length).toBe(original.length);
    expect(downloaded.equals(original)).toBe(true);

    // The tracker counts the completion, and the torrent page shows it.
    await page.setViewportSize({ width: 1280, height: 900 });
    await waitFor('the torrent page to show the completion', async () => {
      await page.goto(`${webUrl}/torrents/${infoHash}`);
      return (await page.getByText('1 completion in all, counted per hour (UTC).').count()) > 0
        ? true
        : undefined;
    });
    await screenshot(page, 'torrent-after-download');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'torrent-after-download-dark');
    await page.goto(`${webUrl}/agent`);
    await page.getByText('Connected to your agent').waitFor({ timeout: 15_000 });
    await screenshot(page, 'agent-dark');
    await page.close();
  });
  test('the agent page drives the agent: live events, pause, resume, remove, magnet, create and publish', async () => {
    expect(infoHash).toMatch(/^[0-9a-f]{40}$/);
    const page = await context.newPage();
    await page.goto(`${webUrl}/agent`); // paired in the test before: the pairing is kept in this browser
    const transfer = page.locator(`li[data-infohash="${infoHash}"]`);
    await transfer.getByText('Seeding', { exact: true }).waitFor({ timeout: 15_000 });

    // A change made behind the page's back reaches it only through the event stream.
    await agentApi(downloader, 'POST', `/api/v1/torrents/${infoHash}/pause`);
    await transfer.getByText('Paused', { exact: true }).waitFor({ timeout: 15_000 });
    await transfer.getByRole('button', { name: `Resume ${fileName}` }).click();
    await transfer.getByText('Seeding', { exact: true }).waitFor({ timeout: 15_000 });
    await transfer.getByRole('button', { name: `Pause ${fileName}` }).click();
    await transfer.getByText('Paused', { exact: true }).waitFor({ timeout: 15_000 });
    expect(
      (await agentApi<{ paused: boolean }>(downloader, 'GET', `/api/v1/torrents/${infoHash}`))
        .paused,
    ).toBe(true);

    await transfer.getByRole('button', { name: `Remove ${fileName}, keep its files` }).click();
    await page.getByText('Your agent has no transfers.').waitFor({ timeout: 15_000 });
    // Removed without deleting: the downloaded file is still there.
    expect((await readFile(path.join(downloader.downloadDir, fileName))).equals(original)).toBe(
      true,
    );

    // Added back by its magnet link: the agent fetches the metadata from the seeder and finds the data complete.
    const magnet = (await (
      await fetch(`${trackerUrl}/api/v1/torrents/${infoHash}/magnet`)
    ).json()) as { magnet: string };
    await page.getByRole('textbox', { name: 'Magnet link' }).fill(magnet.magnet);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await transfer.waitFor({ timeout: 15_000 });
    await transfer
      .locator('[role="progressbar"][aria-valuenow="100"]')
      .waitFor({ timeout: 60_000 });

    // Create and publish a new file from the agent's machine.
    const sharedName = 'made-in-the-browser.txt';
    await writeFile(
      path.join(downloader.downloadDir, sharedName),
      'shared from the agent page\n'.repeat(5000),
    );
    await page.getByLabel('Local path').fill(path.join(downloader.downloadDir, sharedName));
    await page.getByLabel('Title', { exact: true }).fill('Made in the browser');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Created and seeding').waitFor({ timeout: 30_000 });
    await screenshot(page, 'agent-created');
    await page.getByRole('link', { name: 'Open it in the catalog' }).click();
    await page.getByRole('heading', { level: 1, name: 'Made in the browser' }).waitFor();
    expect(await page.locator('.file-tree').innerText()).toContain(sharedName);
    await page.close();
  });
  test('a long catalog pages, sorts and filters by category', async () => {
    // Uploaded straight to the tracker's API: the form has its own tests above.
    const bulkDir = path.join(workDir, 'bulk');
    mkdirSync(bulkDir, { recursive: true });
    for (let i = 0; i < 21; i += 1) {
      const name = `bulk-${String(i).padStart(2, '0')}.dat`;
      await writeFile(path.join(bulkDir, name), randomBytes(1000 * (i + 1)));
      const torrentFile = path.join(bulkDir, `${name}.torrent`);
      execFileSync(
        'mktorrent',
        ['-a', `${trackerUrl}/announce`, '-l', '15', '-o', torrentFile, path.join(bulkDir, name)],
        { stdio: 'ignore' },
      );
      const form = new FormData();
      form.set('torrent', new Blob([await readFile(torrentFile)]), `${name}.torrent`);
      form.set('category', 'Bulk');
      const response = await fetch(`${trackerUrl}/api/v1/torrents`, { method: 'POST', body: form });
      expect(response.status).toBe(201);
    }

    const page = await context.newPage();
    await page.goto(webUrl);
    await page.getByLabel('Category').selectOption('Bulk');
    await page.getByLabel('Sort by').selectOption('name');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/category=Bulk/);
    await page.getByText('Torrents 1–20 of 21').waitFor();
    const names = async () => page.locator('tbody th').allInnerTexts();
    expect((await names())[0]).toMatch(/^bulk-00\.dat/);
    expect(await names()).not.toContainEqual(expect.stringMatching(/end-to-end/));
    await screenshot(page, 'catalog-page-1');

    await page.getByRole('link', { name: 'Next →' }).click();
    await page.getByText('Torrents 21–21 of 21').waitFor();
    expect((await names())[0]).toMatch(/^bulk-20\.dat/);
    await page.getByRole('link', { name: 'Page 1' }).waitFor();

    await page.goto(`${webUrl}/?category=Bulk`);
    await page.getByLabel('Sort by').selectOption('size');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/sort=size/);
    expect((await names())[0]).toMatch(/^bulk-20\.dat/);
    expect((await names())[1]).toMatch(/^bulk-19\.dat/);
    await page.close();
  });
  // Last: it stops the tracker.
  test('with the tracker stopped, the catalog and the upload form say so instead of failing', async () => {
    await tracker.stop();
    const page = await context.newPage();
    await page.goto(webUrl);
    await page.getByRole('heading', { name: 'The catalog is not available right now' }).waitFor();
    expect(await page.locator('.notice-error').innerText()).toContain(
      `The tracker at ${trackerUrl} cannot be reached.`,
    );
    await screenshot(page, 'catalog-tracker-down');

    await page.goto(`${webUrl}/upload`);
    await page.getByLabel('Torrent file').setInputFiles(torrentPath);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText(`The tracker at ${trackerUrl} cannot be reached.`).waitFor();
    await page.close();
  });
});
