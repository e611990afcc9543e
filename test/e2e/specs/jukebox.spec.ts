import { planCatalog } from '@jukebox/demo-catalog';
import { expect, test } from '../fixtures.js';
import { E2E_CATALOG } from '../catalog.js';

test('idle -> attract -> touch -> genre -> pick songs -> queued -> played -> counted', async ({
  page,
  core,
}) => {
  await page.goto(core.url);

  // Idle on load: attract mode.
  const start = page.getByRole('button', { name: 'Touch to start', exact: true });
  await expect(start).toBeVisible();
  await start.click();

  // Home: go into the first genre.
  const genres = page.getByRole('list', { name: 'Genres' });
  const firstGenre = genres.getByRole('button').first();
  const genreName = (await firstGenre.getAttribute('aria-label'))!;
  await firstGenre.click();
  const songs = page.getByRole('list', { name: `${genreName} songs` });
  await expect(songs).toBeVisible();

  // Pick two songs: the first starts playing, the second waits in the queue.
  const picked: string[] = [];
  for (const index of [0, 1]) {
    await songs.getByRole('button').nth(index).click();
    const dialog = page.getByRole('dialog');
    const heading = await dialog.getByRole('heading').textContent();
    const title = heading!.replace(/^Play /, '').replace(/\?$/, '');
    await dialog.getByRole('button', { name: `Play ${title}`, exact: true }).click();
    await expect(page.getByRole('status')).toContainText(`Added to queue: ${title}`);
    picked.push(title);
  }

  // The second song is in the queue while the first plays.
  await page.getByRole('button', { name: 'Home', exact: true }).click();
  await page.getByRole('button', { name: 'Queue', exact: true }).click();
  await expect(page.getByRole('list', { name: 'Queue' })).toContainText(picked[1]!);
  const nowPlaying = page.getByRole('region', { name: 'Now playing' });
  await expect(nowPlaying).toContainText(picked[0]!);
  await expect(nowPlaying.getByRole('progressbar', { name: 'Song progress' })).toBeVisible();

  // Then the second one plays, and both plays are counted in the status API.
  await expect(nowPlaying).toContainText(picked[1]!, { timeout: 30_000 });
  await expect
    .poll(
      async () => {
        const s = await core.status();
        return picked.map((t) => s.playCounts.find((c) => c.title === t)?.count ?? 0);
      },
      { timeout: 30_000 },
    )
    .toEqual([1, 1]);
  const status = await core.status();
  expect(status.lastPlaySeq).toBe(2);
});

test('the on-screen keyboard finds a song by a prefix of its artist', async ({ page, core }) => {
  const plan = planCatalog(E2E_CATALOG);
  // An artist whose name starts with a letter; typed without accents, as a patron would.
  const track = plan.tracks.find((t) => /^[A-Za-zÀ-ÿ]{3}/.test(t.artist))!;
  const prefix = track.artist.normalize('NFD').replace(/\p{M}/gu, '').slice(0, 3).toUpperCase();

  await page.goto(core.url);
  await page.getByRole('button', { name: 'Touch to start', exact: true }).click();
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const keyboard = page.getByRole('group', { name: 'Keyboard' });
  for (const key of prefix) await keyboard.getByRole('button', { name: key, exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Search text' })).toHaveValue(prefix);
  await expect(page.getByRole('list', { name: 'Songs' })).toContainText(track.title);
  await expect(page.getByRole('list', { name: 'Songs' })).toContainText(track.artist);
});

test('a song the box does not have can be asked for from the keyboard', async ({ page, core }) => {
  await page.goto(core.url);
  await page.getByRole('button', { name: 'Touch to start', exact: true }).click();
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const keyboard = page.getByRole('group', { name: 'Keyboard' });
  for (const key of 'QQXZ') await keyboard.getByRole('button', { name: key, exact: true }).click();
  await expect(page.getByText('Nothing found.')).toBeVisible();
  await page.getByRole('button', { name: 'Ask for “QQXZ”' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'We have asked for “QQXZ”' }),
  ).toBeVisible();
  await expect.poll(async () => (await core.status()).telemetry.songRequests).toBe(1);
});

test('returns to attract mode after the idle timeout', async ({ page, core }) => {
  await page.goto(core.url);
  await page.getByRole('button', { name: 'Touch to start', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Search', exact: true })).toBeVisible();
  // The e2e core is configured with a 5 s idle timeout.
  await expect(page.getByRole('button', { name: 'Touch to start', exact: true })).toBeVisible({
    timeout: 15_000,
  });
});

test('portrait 1080x1920: the home screen fits, every control is named, CSP holds', async ({
  page,
  core,
}) => {
  await page.setViewportSize({ width: 1080, height: 1920 });
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const res = await page.goto(core.url);
  expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
  await page.getByRole('button', { name: 'Touch to start', exact: true }).click();
  for (const name of ['Artists A–Z', 'Songs A–Z', 'Search', 'Queue']) {
    await expect(page.getByRole('button', { name, exact: true })).toBeInViewport();
  }
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth > window.innerWidth,
  );
  expect(overflow).toBe(false);
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll('button, [role=button], a, input')]
      .filter((el) => !(el.getAttribute('aria-label') || el.textContent?.trim()))
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  expect(unnamed).toEqual([]);
  expect(violations).toEqual([]);
});
