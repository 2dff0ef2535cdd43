import { join } from 'node:path';
import { expect, SCREENSHOTS, test } from './fixtures.ts';

test.describe('Hearth in headless mode, in a browser', () => {
  test('shows the live node status on Overview', async ({ page, hearth }) => {
    await page.goto(hearth.url);
    await expect(page.getByTestId('node-state').first()).toHaveText('Running');
    await expect(page.getByTestId('node-reason')).toHaveText('Ready to take work');
    await expect(page.getByTestId('data-dir')).toHaveText(hearth.dataDir);
    await expect(page.getByText(/reconnecting/)).toHaveCount(0);
    // The worker starts in the background and reports what compute it found, with reasons.
    await expect(page.getByTestId('worker-state')).toHaveText('Ready', { timeout: 15_000 });
    await expect(page.locator('.providers li.available')).toContainText(['CPU']);
    // The token left the address bar (kept for this tab's session only).
    expect(page.url()).not.toContain('token');
    await page.screenshot({ path: join(SCREENSHOTS, 'overview.png'), fullPage: true });
  });

  test('changes a setting, and keeps it after a reload', async ({ page, hearth }) => {
    await page.goto(hearth.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page).toHaveURL(/\/settings$/);
    const name = page.getByLabel('Node name');
    await expect(name).toHaveValue('My Hearth node');
    await name.fill('Attic rig');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('status')).toHaveText('Saved');

    await page.reload();
    await expect(page.getByLabel('Node name')).toHaveValue('Attic rig');
    expect(await hearth.call('settings.get')).toMatchObject({ ok: true, value: { nodeName: 'Attic rig' } });
    await page.screenshot({ path: join(SCREENSHOTS, 'settings.png'), fullPage: true });

    await page.getByRole('link', { name: 'Overview' }).click();
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await expect(page.locator('.page-header p')).toHaveText('Attic rig');
  });

  test('explains a rejected setting and saves nothing', async ({ page, hearth }) => {
    await page.goto(`${hearth.url}`);
    await page.getByRole('link', { name: 'Settings' }).click();
    const name = page.getByLabel('Node name');
    await name.fill('   ');
    await expect(page.getByText('Name must not be empty.')).toBeVisible();
    await name.fill('x'.repeat(70));
    await expect(page.getByText('Name must be at most 64 characters.')).toBeVisible();
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
    await name.press('Enter'); // submitting by keyboard saves nothing either
    expect(await hearth.call('settings.get')).toMatchObject({ value: { nodeName: 'My Hearth node' } });
  });

  test('pauses for an hour and resumes from the Overview', async ({ page, hearth }) => {
    await page.goto(hearth.url);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('menuitem', { name: 'For 1 hour' }).click();
    await expect(page.getByTestId('node-state').first()).toHaveText('Paused');
    await expect(page.getByText(/Resumes at .* \(in (59 min|1 h)\)/)).toBeVisible();
    await expect(page.getByTestId('worker-state')).toHaveText('Paused — models unloaded, memory released');
    await page.screenshot({ path: join(SCREENSHOTS, 'overview-paused.png'), fullPage: true });
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(page.getByTestId('node-reason')).toHaveText('Ready to take work');
  });

  test('follows changes made elsewhere, pushed over the event socket', async ({ page, hearth }) => {
    await page.goto(hearth.url);
    await expect(page.getByTestId('node-state').first()).toHaveText('Running');
    await hearth.call('node.pause', {});
    await expect(page.getByTestId('node-reason')).toHaveText('Paused by you until you resume');
    await hearth.call('settings.update', { nodeName: 'Renamed elsewhere' });
    await expect(page.locator('.page-header p')).toHaveText('Renamed elsewhere');
  });

  test('applies the dark theme setting', async ({ page, hearth }) => {
    await page.goto(hearth.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('radio', { name: 'Dark' }).click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await page.getByRole('link', { name: 'Overview' }).click();
    await expect(page.getByTestId('node-state').first()).toHaveText('Running');
    await page.screenshot({ path: join(SCREENSHOTS, 'overview-dark.png'), fullPage: true });
  });

  test('asks for the access link when opened without the token', async ({ page, hearth }) => {
    await page.goto(hearth.origin);
    await expect(page.getByRole('heading', { name: 'Hearth needs its access link' })).toBeVisible();
    await page.getByLabel('Access token').fill('not-a-token');
    await page.getByRole('button', { name: 'Open' }).click();
    await expect(page.getByText('That is not a Hearth access token')).toBeVisible();
    await page.screenshot({ path: join(SCREENSHOTS, 'needs-token.png') });
    // Pasting the token from the api-token file opens the app.
    await page.getByLabel('Access token').fill(hearth.token);
    await page.getByRole('button', { name: 'Open' }).click();
    await expect(page.getByTestId('node-state').first()).toHaveText('Running');
  });

  test('says so when the token is wrong', async ({ page, hearth }) => {
    await page.goto(`${hearth.origin}/#token=${'A'.repeat(43)}`);
    await expect(page.getByText("This page's access token was refused.")).toBeVisible();
  });
});

test.describe('A node that has done nothing yet', () => {
  // Paused from the start: no job arrives, so every empty state shows.
  test.use({ nodeSettings: { startPaused: true } });

  test('every page renders, and a node that has done nothing yet says what will come', async ({ page, hearth }) => {
    await page.goto(hearth.url);
    for (const [link, text] of [
      ['Earnings', 'Set up a wallet to get paid'],
      ['Jobs', 'No jobs yet'],
      ['Limits', 'Schedule'],
      ['Wallet', 'Set up the wallet that receives your earnings'],
    ] as const) {
      await page.getByRole('link', { name: link }).click();
      await expect(page.getByRole('heading', { name: text })).toBeVisible();
    }
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.reload();
    expect(errors).toEqual([]);
  });
});
