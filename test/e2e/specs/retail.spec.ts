import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  expect,
  startCoreProcess,
  startFleetProcess,
  startMoneyPanel,
  test as base,
  type CoreProcess,
  type FleetProcess,
  type MoneyPanel,
} from '../fixtures.js';
import { E2E_CATALOG } from '../catalog.js';

// A retail CD terminal linked to a real fleet server: a customer builds a 15-track disc,
// reorders it by dragging, pays with simulated coins (ccTalk over a socat pty), the image
// burner makes the disc, and the order shows on the fleet server's public tracking page with
// its events.

interface Shop {
  core: CoreProcess;
  money: MoneyPanel;
  fleet: FleetProcess;
}

/** 10 songs for $3.00, then 25 cents each: a 15-track disc is $4.25, four dollars and a quarter. */
const PRICING = { basePrice: 300, baseTracks: 10, perTrackPrice: 25 };

const test = base.extend<{ shop: Shop }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads fixture dependencies from it
  shop: async ({}, use) => {
    const fleet = await startFleetProcess();
    const panel = await startMoneyPanel();
    const code = await fleet.fleet.enrollmentCode();
    const { core, stop } = await startCoreProcess({
      money: panel.money,
      // Building a 15-track disc takes longer than the jukebox suites' 5-second idle time.
      attractAfterSeconds: 300,
      moneyConfig: {
        table: [25, 100, 500, 1000, 2000].map((v) => ({ valueCents: v, credits: v })),
      },
      extra: {
        mode: 'retail',
        box: { id: 'e2e-shop', name: 'E2E Records' },
        retail: {
          pricing: PRICING,
          burners: [{ id: 'image-1', driver: 'image', dir: 'images' }],
        },
        fleet: { server: fleet.fleet.url, enrollmentCode: code, initialBackoffMs: 100 },
      },
    });
    await core.waitForTracks(E2E_CATALOG.tracks);
    await expect
      .poll(async () => (await core.status()).fleet?.link, { timeout: 30_000 })
      .toBe('open');
    await use({ core, money: panel.money, fleet: fleet.fleet });
    await stop();
    await panel.stop();
    await fleet.stop();
  },
});

test('build a 15-track disc, drag to reorder, pay with coins, burn; the order is on the tracking page', async ({
  page,
  shop,
}) => {
  const { core, money, fleet } = shop;
  await page.goto(core.url);
  const start = page.getByRole('button', { name: 'Touch to start', exact: true });
  if (await start.isVisible()) await start.click();

  // Every song of every genre goes on the disc, then three again: 15 tracks.
  const disc = page.getByRole('list', { name: 'Tracks on your disc' });
  const genres = page.getByRole('list', { name: 'Genres' }).getByRole('button');
  const genreCount = await genres.count();
  for (let g = 0; g < genreCount; g++) {
    await genres.nth(g).click();
    const adds = page.getByRole('button', { name: /^Add .* to disc$/ });
    await expect(adds.first()).toBeVisible();
    const n = await adds.count();
    for (let i = 0; i < n; i++) await adds.nth(i).click();
    if (g === genreCount - 1) {
      for (let i = 0; i < 3; i++) await adds.nth(i % n).click();
    }
    await page.getByRole('button', { name: 'Home', exact: true }).click();
  }
  const entries = disc.locator('[data-testid="disc-entry"]');
  await expect(entries).toHaveCount(15);
  await expect(page.getByTestId('disc-count')).toHaveText(/15 of 99 tracks/);
  await expect(page.getByTestId('disc-price')).toContainText('4.25');

  // Drag the fifth track to the top.
  const titles = () => entries.locator('.track-title').allTextContents();
  const before = await titles();
  await entries.first().scrollIntoViewIfNeeded();
  const handle = entries.nth(4).getByTestId('drag-handle');
  const target = entries.first();
  const from = (await handle.boundingBox())!;
  const to = (await target.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + 2, { steps: 12 });
  await page.mouse.up();
  await expect.poll(titles).toEqual([before[4], ...before.slice(0, 4), ...before.slice(5)]);
  const ordered = await titles();

  // Title on the on-screen keyboard.
  await page.getByRole('button', { name: 'Edit disc title' }).click();
  const titleDialog = page.getByRole('dialog', { name: 'Disc title' });
  await titleDialog.getByRole('button', { name: 'Clear', exact: true }).click();
  for (const key of 'PARTY')
    await titleDialog.getByRole('button', { name: key, exact: true }).click();
  await titleDialog.getByRole('button', { name: 'Done', exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Disc title' })).toHaveValue('PARTY');

  // Pay: not enough yet, then four dollar coins and a quarter.
  await page.getByRole('button', { name: 'Checkout', exact: true }).click();
  await expect(page.getByTestId('checkout-price')).toContainText('4.25');
  await expect(page.getByTestId('checkout-missing')).toContainText('4.25');
  for (let i = 0; i < 4; i++) await money.post('/api/coin', { position: 2 });
  await money.post('/api/coin', { position: 1 });
  await expect(page.getByTestId('checkout-inserted')).toContainText('4.25');
  await page.getByRole('button', { name: 'Burn my CD', exact: true }).click();

  // Confirmation: the tracking number, and the order reaching done on this terminal.
  const tracking = page.getByTestId('tracking-number');
  await expect(tracking).toHaveText(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  const trackingNumber = (await tracking.textContent())!;
  await expect(page.getByTestId('order-follow')).toContainText(
    `${fleet.url}/orders/${trackingNumber}`,
  );
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'done', {
    timeout: 60_000,
  });
  const status = await core.status();
  expect(status.credits).toBe(0);
  expect(status.retail?.orders.done).toBe(1);
  // Sync downloads were held for the burn and run again after it.
  expect(status.fleet?.sync?.phase).not.toBe('paused');

  // The image passes cdrdao's own check, in the disc order the customer dragged.
  // A relative folder in the config is relative to the config file (beside the data folder).
  const imagesDir = path.join(core.dataDir, '..', 'images');
  const [folder] = readdirSync(imagesDir);
  const dir = path.join(imagesDir, folder!);
  const toc = path.join(
    dir,
    readdirSync(dir).find((f) => f.endsWith('.toc'))!,
  );
  expect(spawnSync('cdrdao', ['read-test', toc], { cwd: dir }).status).toBe(0);
  const shown = spawnSync('cueprint', ['-i', 'toc', toc], { encoding: 'utf8' }).stdout;
  // cueprint prints CD-TEXT as the TOC spells it: Latin-1 letters as octal escapes.
  const cdTitles = [...shown.matchAll(/^title:\s+(.*)$/gm)].map((m) =>
    m[1]!
      .replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))
      .replace(/\\"/g, '"'),
  );
  expect(cdTitles).toEqual(['PARTY', ...ordered]);

  // The fleet server's public tracking page: found without login, with the job's events and
  // nothing personal. The box uploads its telemetry as it goes.
  await page.goto(`${fleet.url}/orders/${trackingNumber.toLowerCase().replace(/-/g, '')}`);
  await expect(async () => {
    await page.reload();
    await expect(page.getByText('Your CD is ready').first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByText(trackingNumber).first()).toBeVisible();
  await expect(page.getByText('PARTY').first()).toBeVisible();
  for (const step of ['Disc image prepared', 'Burning started', 'Burning finished']) {
    await expect(page.getByText(step).first()).toBeVisible();
  }
  await expect(page.locator('body')).not.toContainText('e2e-shop');
});

test('the operator view of a retail terminal shows the burners and orders, and issues a voucher the UI redeems', async ({
  page,
  shop,
}) => {
  const { core } = shop;
  await page.goto(`${core.url}/operator`);
  const retail = page.getByRole('region', { name: 'CD burning' });
  await expect(retail).toBeVisible();
  await expect(
    retail.getByText(/Orders: 0 queued, 0 in the works, 0 done, 0 refunded/),
  ).toBeVisible();
  await expect(retail.getByRole('list', { name: 'Burners' })).toContainText(
    'image-1 (image): idle',
  );
  const token = readFileSync(path.join(core.dataDir, 'operator.token'), 'utf8').trim();
  await page.getByRole('textbox', { name: 'Operator token' }).fill(token);
  await page.getByRole('button', { name: 'Use', exact: true }).click();
  const form = page.getByRole('form', { name: 'Voucher' });
  await form.getByLabel('Credits').fill('425');
  await form.getByLabel('Note').fill('sorry for the wait');
  await form.getByLabel('Your name').fill('amy');
  await form.getByRole('button', { name: 'Issue a voucher' }).click();
  const issued = form.getByRole('status');
  await expect(issued).toHaveText(/^Voucher [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4} \(425 credits\)$/);
  const code = /Voucher (\S+)/.exec((await issued.textContent())!)![1]!;

  // The customer redeems it at checkout on the touch screen.
  await page.goto(core.url);
  const start = page.getByRole('button', { name: 'Touch to start', exact: true });
  if (await start.isVisible()) await start.click();
  await page.getByRole('list', { name: 'Genres' }).getByRole('button').first().click();
  const add = page.getByRole('button', { name: /^Add .* to disc$/ }).first();
  await add.click();
  await page.getByRole('button', { name: 'Checkout', exact: true }).click();
  await page.getByRole('button', { name: 'Edit voucher code' }).click();
  const keys = page.getByRole('dialog', { name: 'Voucher code' });
  for (const ch of code.replace(/-/g, '')) {
    await keys.getByRole('button', { name: ch, exact: true }).click();
  }
  await keys.getByRole('button', { name: 'Done', exact: true }).click();
  await page.getByRole('button', { name: 'Redeem voucher' }).click();
  await expect(page.getByTestId('voucher-message')).toContainText('4.25');
  await expect.poll(async () => (await core.status()).credits).toBe(425);
});
