import {
  expect,
  startCoreProcess,
  startMoneyPanel,
  test as base,
  type CoreProcess,
  type MoneyPanel,
} from '../fixtures.js';
import { E2E_CATALOG } from '../catalog.js';

// A paying jukebox: the core drives a ccTalk coin acceptor and an eSSP note validator over
// socat ptys, simulated by the money panel that the test presses like a person would.
const test = base.extend<{ paid: { core: CoreProcess; money: MoneyPanel } }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads fixture dependencies from it
  paid: async ({}, use) => {
    const panel = await startMoneyPanel();
    // Quarter speed: the first paid song is still playing while the later picks are made.
    const { core, stop } = await startCoreProcess({ money: panel.money, pace: 0.25 });
    await core.waitForTracks(E2E_CATALOG.tracks);
    await use({ core, money: panel.money });
    await stop();
    await panel.stop();
  },
});

test('coins and a note -> credits -> a pick plays and costs; play next jumps the queue', async ({
  page,
  paid,
}) => {
  const { core, money } = paid;
  await page.goto(core.url);
  await page.getByRole('button', { name: 'Touch to start', exact: true }).click();
  const credits = page.locator('.credits');
  await expect(credits).toHaveText('Credits: 0');

  // Pick a song with no money: the sheet keeps the pick and asks for money.
  // The genre with the most songs (three are picked below).
  const tiles = page.getByRole('list', { name: 'Genres' }).getByRole('button');
  const counts = await tiles.evaluateAll((els) =>
    els.map((el) => Number(/(\d+) songs?/.exec(el.textContent ?? '')?.[1] ?? 0)),
  );
  expect(Math.max(...counts)).toBeGreaterThanOrEqual(3);
  await tiles.nth(counts.indexOf(Math.max(...counts))).click();
  const songs = page.getByRole('list', { name: /songs$/ });
  await songs.getByRole('button').nth(0).click();
  const dialog = page.getByRole('dialog');
  const title = (await dialog.getByRole('heading').textContent())!
    .replace(/^Play /, '')
    .replace(/\?$/, '');
  await expect(dialog.getByRole('status')).toHaveText('Insert money: 1 more credit needed');
  await expect(dialog.getByRole('button', { name: `Play ${title}`, exact: true })).toBeDisabled();

  // Money in: a quarter (1 credit) and a $1 coin (4), then a $5 note (20 + 2 bonus).
  await money.post('/api/coin', { position: 1 });
  await expect(page.getByText('Coin accepted: +1 credit')).toBeVisible();
  await money.post('/api/coin', { position: 2 });
  await money.post('/api/note', { channel: 2 });
  await expect(credits).toHaveText('Credits: 27');

  // The kept pick is now playable, and "play next" is offered.
  await dialog.getByRole('button', { name: `Play ${title}`, exact: true }).click();
  await expect(credits).toHaveText('Credits: 26');
  await expect(page.getByRole('region', { name: 'Now playing' })).toContainText(title);

  // Two plain picks, then one bought with "play next". It goes ahead of every song not yet
  // started, except one the player has already taken to join gaplessly (the next 5 s).
  const titleOf = async () =>
    (await dialog.getByRole('heading').textContent())!.replace(/^Play /, '').replace(/\?$/, '');
  await songs.getByRole('button').nth(1).click();
  const plainA = await titleOf();
  await dialog.getByRole('button', { name: `Play ${plainA}`, exact: true }).click();
  await songs.getByRole('button').nth(2).click();
  const plainB = await titleOf();
  await dialog.getByRole('button', { name: `Play ${plainB}`, exact: true }).click();
  await songs.getByRole('button').nth(0).click();
  const jump = await titleOf();
  await dialog.getByRole('button', { name: `Play next ${jump}`, exact: true }).click();
  await expect(page.getByRole('status').first()).toContainText(`Playing next: ${jump}`);
  await expect(credits).toHaveText('Credits: 21'); // 26 - 1 - 1 - 3

  const queue = (await core.status()).queue.map((e) => e.track.title);
  // plainA was taken ahead for the gapless join (these songs are shorter than the 5 s window).
  expect(queue).toEqual([plainA, jump, plainB]);
  const status = await core.status();
  expect(status.money.totals.totalCents).toBe(625);
});
