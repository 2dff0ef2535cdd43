import type { Page } from '@playwright/test';
import { expect, shot, test, type Headless } from './fixtures.ts';

/**
 * The product end to end: a fresh data dir, headless mode with its embedded
 * local network (coordinator, chain, demo workload), and within a minute the
 * Overview shows real jobs completing and earnings rising — read from the
 * node's own store, live, without a reload. No wallet yet, so the node earns
 * credit and the Overview says how to receive it.
 */

type Reply<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** Fails with a plain explanation while the node does not answer the network calls yet. */
async function expectNetworkApi(hearth: Headless): Promise<void> {
  for (const method of ['network.status', 'jobs.summary', 'jobs.list']) {
    const reply = (await hearth.call(method)) as Reply<unknown>;
    const outcome = reply.ok ? 'answers' : `fails: ${reply.error.code}: ${reply.error.message}`;
    expect(outcome, `the node must answer ${method} (is the network client wired into the node?)`).toBe('answers');
  }
}

async function count(page: Page): Promise<number> {
  return Number((await page.getByTestId('jobs-completed').getAttribute('data-count')) ?? '0');
}

async function earned(page: Page): Promise<bigint> {
  return BigInt((await page.getByTestId('earned-total').getAttribute('data-base-units')) ?? '0');
}

async function theme(page: Page, hearth: Headless, value: 'light' | 'dark'): Promise<void> {
  await hearth.call('settings.update', { theme: value });
  await expect(page.locator('html')).toHaveAttribute('data-theme', value);
}

test.describe('The network', () => {
  test('a fresh node earns from real jobs of the local network within a minute; Jobs lists them', async ({ page, hearth }) => {
    test.setTimeout(180_000);
    await expectNetworkApi(hearth);
    await hearth.call('settings.update', { theme: 'light' });
    await page.goto(hearth.url);
    await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
    await expect(page.getByTestId('network-name')).toHaveText('Local network (on this computer)');
    await expect(page.getByTestId('network-state')).toHaveText('Connected', { timeout: 30_000 });

    // Within a minute of start, jobs have completed and earned something…
    await expect(page.getByTestId('jobs-completed')).toHaveAttribute('data-count', /^[1-9][0-9]*$/, { timeout: 60_000 });
    const firstCount = await count(page);
    const firstEarned = await earned(page);
    expect(firstEarned).toBeGreaterThan(0n);
    // …and both keep rising on the page as they happen.
    await expect.poll(() => count(page), { timeout: 30_000, message: 'completed jobs rise without a reload' }).toBeGreaterThan(firstCount);
    await expect.poll(() => earned(page), { timeout: 30_000, message: 'the earned amount rises without a reload' }).toBeGreaterThan(firstEarned);
    // What the page shows is the node's own account, exact.
    const summary = (await hearth.call('jobs.summary')) as Reply<{ completed: number; earned: string }>;
    if (!summary.ok) throw new Error(summary.error.message);
    expect(BigInt(summary.value.earned)).toBeGreaterThanOrEqual(await earned(page));
    await expect(page.getByTestId('earned-total')).toContainText('tUSD');

    // No wallet on a fresh data dir: credit, and the way to receive it.
    await expect(page.getByText("You're earning credit: create a wallet to receive it")).toBeVisible();
    await expect.poll(() => page.getByTestId('recent-job').count(), { timeout: 30_000 }).toBe(8);
    await shot(page, 'overview-earning');
    await theme(page, hearth, 'dark');
    await shot(page, 'overview-earning-dark');
    await theme(page, hearth, 'light');

    // The Jobs page lists the same jobs the node stored, completed ones with where they ran.
    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
    const done = page.locator('[data-testid="job-row"][data-state="succeeded"], [data-testid="job-row"][data-state="paid"]');
    await expect(done.first()).toBeVisible();
    await expect(done.first()).toContainText(/CPU|CUDA|DirectML|Core ML|WebGPU/);
    const stored = (await hearth.call('jobs.list', { limit: 200 })) as Reply<{ id: string }[]>;
    if (!stored.ok) throw new Error(stored.error.message);
    const storedIds = new Set(stored.value.map((job) => job.id));
    const shownId = await done.first().getAttribute('data-job-id');
    expect(storedIds.has(shownId ?? '')).toBe(true);
    await shot(page, 'jobs');

    // Settings: the embedded network, its pinned payer and this node's address.
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await expect(page.getByRole('textbox', { name: 'Network URL' })).toHaveValue('');
    const network = (await hearth.call('network.status')) as Reply<{ pinned: { payer: string } | null }>;
    if (!network.ok) throw new Error(network.error.message);
    expect(network.value.pinned, 'the payer is pinned once connected').not.toBeNull();
    await expect(page.getByTestId('network-terms').locator(`[data-address="${network.value.pinned?.payer ?? ''}"]`)).toBeVisible();
    await expect(page.getByTestId('node-address').locator('[data-address]')).toHaveAttribute('data-address', /^0x[0-9a-fA-F]{40}$/);
    await shot(page, 'settings-network');

    // A wallet: the node names it as payee, the network makes out a voucher for the credit so far, jobs turn paid.
    await hearth.call('wallet.create', { passphrase: 'correct horse battery staple', words: 12 });
    await expect(page.getByTestId('network-payee').locator('[data-address]')).toBeVisible({ timeout: 15_000 });
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await expect(page.getByText("You're earning credit: create a wallet to receive it")).toHaveCount(0);
    const vouchered = async (): Promise<bigint> => BigInt((await page.getByTestId('earned-vouchered').getAttribute('data-base-units')) ?? '0');
    await expect.poll(vouchered, { timeout: 30_000, message: 'a voucher covers the earnings once there is a wallet' }).toBeGreaterThan(firstEarned);
    await expect(page.locator('[data-testid="recent-job"] [data-state="paid"]').first()).toBeVisible();
    await shot(page, 'overview-vouchers');
  });
});
