import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '../fixtures.js';

test('the operator view shows the box and gives free credits with the operator token', async ({
  page,
  core,
}) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.goto(`${core.url}/operator`);
  await expect(page.getByRole('heading', { name: /Operator/ })).toBeVisible();
  await expect(page.getByText('No fleet server configured')).toBeVisible();
  await expect(page.getByText(/records waiting to go up/)).toBeVisible();

  // Without the token the action is refused and nothing changes.
  const form = page.getByRole('form', { name: 'Free credits' });
  await form.getByLabel('Credits').fill('2');
  await form.getByLabel('Reason').fill('birthday party');
  await form.getByLabel('Your name').fill('amy');
  await form.getByRole('button', { name: 'Give' }).click();
  await expect(page.getByText('Enter the operator token first.')).toBeVisible();

  const token = readFileSync(path.join(core.dataDir, 'operator.token'), 'utf8').trim();
  await page.getByRole('textbox', { name: 'Operator token' }).fill(token);
  await page.getByRole('button', { name: 'Use', exact: true }).click();
  await form.getByRole('button', { name: 'Give' }).click();
  await expect(page.getByText('Gave 2 credits; the box now has 2.')).toBeVisible();
  await expect(page.getByText(/Credits on the box: 2/)).toBeVisible();
  expect((await core.status()).credits).toBe(2);

  // A wrong token is refused with the core's reason.
  await page.getByRole('textbox', { name: 'Operator token' }).fill('x'.repeat(43));
  await page.getByRole('button', { name: 'Use', exact: true }).click();
  await form.getByRole('button', { name: 'Give' }).click();
  await expect(page.getByText('the operator token is missing or wrong')).toBeVisible();
  expect((await core.status()).credits).toBe(2);
  expect(violations).toEqual([]);
});
