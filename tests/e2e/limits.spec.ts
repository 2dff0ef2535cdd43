import type { Page } from '@playwright/test';
import { expect, shot, test } from './fixtures.ts';

/**
 * The Limits page against headless mode on a fresh data dir: the schedule and
 * the gaming list drive the node (Overview says why it paused), and bad input
 * is explained next to its field and saves nothing. Headless mode reads this
 * machine's processes, and its "system" time zone is this machine's.
 */

const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const dayNames = { sun: 'Sunday', mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday' } as const;

/** The day after tomorrow, here: a window on it cannot include the current time. */
function otherDay(): (typeof days)[number] {
  return days[(new Date().getDay() + 2) % 7] ?? 'mon';
}

async function openLimits(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Limits' }).click();
  await expect(page.getByRole('heading', { name: 'Limits', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Schedule' })).toBeVisible();
}

async function openOverview(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Overview' }).click();
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
}

async function save(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Save limits' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved — the node decides with the new limits.');
}

async function expectRunning(page: Page, timeout = 10_000): Promise<void> {
  await expect(page.getByTestId('node-reason')).toHaveText('Ready to take work', { timeout });
  await expect(page.getByTestId('node-state').first()).toHaveText('Running');
}

test.describe('Contribution limits', () => {
  test('a schedule with no window now pauses the node with its reason; turning it off runs it again', async ({ page, hearth }) => {
    await hearth.call('settings.update', { theme: 'light' });
    await page.goto(hearth.url);
    await expectRunning(page);
    await openLimits(page);
    await expect(page.getByTestId('policy-action')).toHaveText('Running');
    await expect(page.getByTestId('policy-headline')).toHaveText('Ready to take work');
    await shot(page, 'limits');
    await hearth.call('settings.update', { theme: 'dark' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await shot(page, 'limits-dark');
    await hearth.call('settings.update', { theme: 'light' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');

    // Only one window, on the day after tomorrow.
    const target = otherDay();
    await page.getByRole('switch', { name: 'Run only at set times' }).check();
    for (const day of days) {
      const allDay = page.getByRole('checkbox', { name: `${dayNames[day]} all day` });
      if (await allDay.isChecked()) await allDay.uncheck();
      const remove = page.getByRole('button', { name: new RegExp(`^Remove ${dayNames[day]} window \\d+$`) });
      while ((await remove.count()) > 0) await remove.first().click();
      await expect(page.getByTestId(`day-${day}`)).toContainText(`Hearth does not run on ${dayNames[day]}s`);
    }
    await page.getByRole('button', { name: `Add a window on ${dayNames[target]}` }).click();
    await page.getByLabel(`${dayNames[target]} window 1 start`).fill('01:00');
    await page.getByLabel(`${dayNames[target]} window 1 end`).fill('02:00');
    await expect(page.locator('.limits-form .field-error')).toHaveCount(0);
    await save(page);
    await expect(page.getByTestId('policy-action')).toHaveText('Paused');
    await expect(page.getByTestId('policy-headline')).toHaveText(/^Waiting for the .*01:00 window \(\w{3} 01:00–02:00\)$/);
    const stored = (await hearth.call('limits.get')) as { value: { schedule: { enabled: boolean; days: Record<string, unknown[]> } } };
    expect(stored.value.schedule.enabled).toBe(true);
    expect(stored.value.schedule.days[target]).toEqual([{ start: '01:00', end: '02:00' }]);

    await openOverview(page);
    await expect(page.getByTestId('node-state').first()).toHaveText('Paused');
    await expect(page.getByTestId('node-reason')).toHaveText(/^Waiting for the .* window/);
    // Paused by the limits, not by the user: Pause stays offered, Resume is not; the way to the limits is.
    await expect(page.getByRole('button', { name: 'Resume' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Pause' })).toBeEnabled();
    await expect(page.getByRole('button', { name: 'Change your limits' })).toBeVisible();
    await shot(page, 'overview-schedule-paused');

    // The schedule off: running again, the windows kept.
    await page.getByRole('button', { name: 'Change your limits' }).click();
    await expect(page.getByRole('heading', { name: 'Limits', level: 1 })).toBeVisible();
    await page.getByRole('switch', { name: 'Run only at set times' }).uncheck();
    await save(page);
    await expect(page.getByTestId('policy-action')).toHaveText('Running');
    await openOverview(page);
    await expectRunning(page);
    expect(await hearth.call('limits.get')).toMatchObject({ value: { schedule: { enabled: false, days: { [target]: [{ start: '01:00', end: '02:00' }] } } } });
  });

  test('a program on the gaming list that is running pauses the node; removing it runs it again', async ({ page, hearth }) => {
    test.setTimeout(150_000); // after a game ends, Hearth waits a minute before taking the machine back
    await hearth.call('settings.update', { theme: 'light' });
    await page.goto(hearth.url);
    await expectRunning(page);
    await openLimits(page);

    // A game taken off the list comes back from the built-in list, by its name.
    await page.getByRole('button', { name: 'Remove eldenring.exe' }).click();
    await page.getByLabel('Built-in game list').selectOption({ label: 'Elden Ring — eldenring.exe' });
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByText('Every game of the built-in list is in yours.')).toBeVisible();

    // This very browser (/usr/bin/chromium) is the "game".
    const count = await page.getByRole('textbox', { name: /^Gaming program \d+$/ }).count();
    await page.getByRole('button', { name: 'Add a program' }).click();
    const added = page.getByLabel(`Gaming program ${count + 1}`, { exact: true });
    await expect(added).toBeFocused();
    await added.fill('chromium');
    await save(page);
    await expect(page.getByTestId('policy-headline')).toHaveText(/^Paused: chromium is running/, { timeout: 10_000 });
    const stored = (await hearth.call('limits.get')) as { value: { gaming: { programs: string[] } } };
    expect(stored.value.gaming.programs.at(-1)).toBe('chromium');

    await openOverview(page);
    await expect(page.getByTestId('node-state').first()).toHaveText('Paused');
    await expect(page.getByTestId('node-reason')).toHaveText(/^Paused: chromium is running/);
    await expect(page.getByTestId('worker-state')).toHaveText(/^(Paused — models unloaded, memory released|Not started — starts with the first job)$/, { timeout: 15_000 });
    await shot(page, 'overview-gaming-paused');
    await hearth.call('settings.update', { theme: 'dark' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await shot(page, 'overview-gaming-paused-dark');
    await hearth.call('settings.update', { theme: 'light' });

    // Off the list: a minute's grace (a game may restart itself), then running.
    await openLimits(page);
    await page.getByRole('searchbox', { name: 'Find in the program list' }).fill('chrom');
    await expect(page.getByRole('textbox', { name: /^Gaming program \d+$/ })).toHaveCount(1);
    await page.getByRole('button', { name: 'Remove chromium' }).click();
    await expect(page.getByText('Nothing in the list matches.')).toBeVisible();
    await save(page);
    await expect(page.getByTestId('policy-headline')).toHaveText(/^(Paused: chromium just closed — resuming at \d\d:\d\d|Ready to take work)$/);
    await openOverview(page);
    await expectRunning(page, 80_000);
    const after = (await hearth.call('limits.get')) as { value: { gaming: { programs: string[] } } };
    expect(after.value.gaming.programs).not.toContain('chromium');
  });

  test('bad input is explained next to its field, and nothing is saved', async ({ page, hearth }) => {
    await hearth.call('settings.update', { theme: 'light' });
    await page.goto(hearth.url);
    await openLimits(page);
    const before = await hearth.call('limits.get');

    // An inverted window, an empty program name, a negative cap.
    await page.getByLabel('Monday window 1 start').fill('18:00');
    await page.getByLabel('Monday window 1 end').fill('09:00');
    const inverted = 'Monday window 1: ends before it starts (18:00–09:00); a window that runs past midnight must be marked "ends next day".';
    await expect(page.getByText(inverted)).toBeVisible();
    await expect(page.getByLabel('Monday window 1 start')).toHaveAttribute('aria-invalid', 'true');
    await page.getByLabel('Gaming program 1', { exact: true }).fill('');
    await expect(page.getByText('Gaming program 1: must not be empty.')).toBeVisible();
    await page.getByLabel('VRAM cap').fill('-1');
    await expect(page.getByText('VRAM cap must not be negative.')).toBeVisible();
    await expect(page.getByText('Unsaved changes · 3 problems to fix')).toBeVisible();

    await page.getByRole('button', { name: 'Save limits' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Nothing saved' })).toHaveText('Nothing saved: fix the 3 problems marked above.');
    expect(await hearth.call('limits.get')).toEqual(before);
    // The draft is kept as typed.
    await expect(page.getByLabel('Monday window 1 end')).toHaveValue('09:00');
    await shot(page, 'limits-invalid');

    // The node checks on its own too: the same problems, nothing saved.
    const current = before as { value: { schedule: { days: Record<string, unknown> } } };
    const answer = await hearth.call('limits.update', {
      ...current.value,
      schedule: { ...current.value.schedule, days: { ...current.value.schedule.days, mon: [{ start: '18:00', end: '09:00' }] } },
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(answer)).toContain('Monday window 1: ends before it starts (18:00–09:00)');
    expect(await hearth.call('limits.get')).toEqual(before);

    // A fix clears its message; a reload shows the stored limits, untouched.
    await page.getByLabel('Monday window 1 end').fill('20:00');
    await expect(page.getByText(inverted)).toHaveCount(0);
    await page.reload();
    await openLimits(page);
    await expect(page.getByLabel('Monday window 1 start')).toHaveValue('01:00');
    await expect(page.getByLabel('Monday window 1 end')).toHaveValue('08:00');
    await expect(page.getByLabel('Gaming program 1', { exact: true })).toHaveValue('GameOverlayUI.exe');
    await expect(page.getByLabel('VRAM cap')).toHaveValue('');
    await expect(page.getByText('No changes.')).toBeVisible();
  });

  test('pauses until tomorrow from the Overview', async ({ page, hearth }) => {
    await page.goto(hearth.url);
    await expectRunning(page);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('menuitem', { name: 'Until tomorrow' }).click();
    await expect(page.getByTestId('node-state').first()).toHaveText('Paused');
    await expect(page.getByTestId('node-reason')).toHaveText(/^Paused by you until /);
    await expect(page.getByText(/Resumes at /)).toBeVisible();
    await page.getByRole('button', { name: 'Resume' }).click();
    await expectRunning(page);
  });
});
