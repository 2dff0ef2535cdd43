import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { getAddress } from 'viem';
import { expect, shot, test } from './fixtures.ts';

/**
 * The wallet, earnings and payment settings in a browser, against headless
 * mode on a fresh data dir (its embedded local chain: 1 ETH of gas money for a
 * new wallet, a payer with a deposit of tUSD, no vouchers yet).
 */

const PASSPHRASE = 'correct horse battery staple';
const NEW_PASSPHRASE = 'a brand new passphrase';
/** A checksummed address that is not ours (ethers' documentation example). */
const RECIPIENT = '0x8ba1f109551bD432803012645Ac136ddd64DBA72';
/** The same with one letter's case flipped: a valid shape whose EIP-55 checksum fails. */
const BAD_CHECKSUM = '0x8ba1f109551bD432803012645Ac136ddd64DBa72';
/** Hardhat's well-known test phrase and its first account. */
const TEST_PHRASE = 'test test test test test test test test test test test junk';
const TEST_ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

async function openWallet(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('link', { name: 'Wallet' }).click();
  await expect(page.getByRole('heading', { name: 'Wallet', level: 1 })).toBeVisible();
}

/** Balances load once the wallet has its gas money; Refresh reads them again. */
async function expectBalances(page: Page, native: string, token: string): Promise<void> {
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh balances' }).click();
    await expect(page.getByTestId('balance-native')).toContainText(native, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId('balance-token')).toContainText(token);
}

test.describe('The wallet', () => {
  test.beforeAll(() => {
    expect(getAddress(RECIPIENT)).toBe(RECIPIENT);
    expect(BAD_CHECKSUM.toLowerCase()).toBe(RECIPIENT.toLowerCase());
  });

  test('creates a wallet with a checked backup, then locks, unlocks, changes the passphrase and exports the phrase', async ({ page, hearth, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: hearth.origin });
    await hearth.call('settings.update', { theme: 'light' });
    await openWallet(page, hearth.url);
    await expect(page.getByRole('heading', { name: 'Set up the wallet that receives your earnings' })).toBeVisible();
    await shot(page, 'wallet-setup');

    // Passphrase, checked as typed.
    await page.getByRole('button', { name: /Create a new wallet/ }).click();
    await page.getByLabel('Passphrase', { exact: true }).fill('short');
    await expect(page.getByText('Use at least 8 characters (this has 5).')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Create wallet' })).toBeDisabled();
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByLabel('Type it again').fill(`${PASSPHRASE}!`);
    await expect(page.getByText('The two passphrases are not the same.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Create wallet' })).toBeDisabled();
    await page.getByLabel('Type it again').fill(PASSPHRASE);
    await shot(page, 'wallet-create');
    await page.getByRole('button', { name: 'Create wallet' }).click();

    // The backup step: twelve numbered words and the warning; the wallet already exists and is unlocked.
    await expect(page.getByTestId('phrase-word')).toHaveCount(12, { timeout: 15_000 });
    const words = await page.getByTestId('phrase-word').allTextContents();
    expect(new Set(words).size).toBeGreaterThan(6);
    await expect(page.getByText('Anyone who has them can take your money')).toBeVisible();
    await expect(page.getByText('Hearth cannot recover them')).toBeVisible();
    const status = (await hearth.call('wallet.status')) as { value: { state: string; address: string } };
    expect(status.value.state).toBe('unlocked');
    await shot(page, 'wallet-backup');

    // Two words asked back; a wrong one is caught.
    await page.getByRole('button', { name: 'I have written them down' }).click();
    const labels = page.locator('label[for^="check-word-"]');
    await expect(labels).toHaveCount(2);
    const positions = (await labels.allTextContents()).map((text) => Number(/#(\d+)/.exec(text)?.[1]) - 1);
    const [first, second] = positions as [number, number];
    await page.getByLabel(`Word #${first + 1}`, { exact: true }).fill('notaword');
    await page.getByLabel(`Word #${second + 1}`, { exact: true }).fill(words[second] ?? '');
    await page.getByRole('button', { name: 'Finish' }).click();
    await expect(page.getByText(`Word #${first + 1} does not match.`)).toBeVisible();
    await shot(page, 'wallet-verify-error');
    await page.getByLabel(`Word #${first + 1}`, { exact: true }).fill(` ${(words[first] ?? '').toUpperCase()} `); // case and spaces do not matter
    await page.getByRole('button', { name: 'Finish' }).click();

    // Unlocked: address, network, balances (1 ETH of gas money on the local chain, no tUSD yet).
    await expect(page.getByTestId('wallet-state')).toHaveText('Unlocked');
    await expect(page.getByText('Your recovery phrase is not backed up yet')).toHaveCount(0);
    const hero = page.locator('.hero-address');
    await expect(hero.locator('.address')).toHaveAttribute('data-address', status.value.address);
    await expectBalances(page, '1.00 ETH', '0.00 tUSD');
    await expect(page.getByTestId('network-facts')).toContainText('Hearth local');
    await expect(page.getByTestId('network-facts')).toContainText('31337');
    await expect(page.getByTestId('network-facts')).toContainText('in-process');
    await expect(page.getByTestId('network-facts')).toContainText('1 confirmation');
    await shot(page, 'wallet-unlocked');
    await hearth.call('settings.update', { theme: 'dark' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await shot(page, 'wallet-unlocked-dark');
    await hearth.call('settings.update', { theme: 'light' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await page.getByRole('button', { name: 'Copy address' }).click();
    await expect(page.getByRole('button', { name: 'Copy address' })).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(status.value.address);

    // Lock; a wrong passphrase is refused; the right one unlocks.
    await page.getByRole('button', { name: 'Lock' }).click();
    await expect(page.getByTestId('wallet-state')).toHaveText('Locked');
    await expect(page.getByRole('heading', { name: 'Your wallet is locked' })).toBeVisible();
    await page.getByPlaceholder('Passphrase').fill('not my passphrase');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByText('That passphrase is wrong.')).toBeVisible();
    await expect(page.getByTestId('wallet-state')).toHaveText('Locked');
    await shot(page, 'wallet-locked');
    await page.getByPlaceholder('Passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByTestId('wallet-state')).toHaveText('Unlocked');

    // Change the passphrase.
    await page.getByRole('button', { name: 'Change passphrase' }).click();
    await page.getByLabel('Current passphrase').fill(PASSPHRASE);
    await page.getByLabel('New passphrase', { exact: true }).fill(PASSPHRASE);
    await expect(page.getByText('The new passphrase is the same as the current one.')).toBeVisible();
    await page.getByLabel('New passphrase', { exact: true }).fill(NEW_PASSPHRASE);
    await page.getByLabel('New passphrase again').fill(NEW_PASSPHRASE);
    await page.getByRole('button', { name: 'Change passphrase' }).click();
    await expect(page.getByText('Passphrase changed. Use the new one from now on.')).toBeVisible({ timeout: 15_000 });

    // Export: the old passphrase no longer opens it, the new one shows the same words until hidden.
    await page.getByRole('button', { name: 'Show recovery phrase' }).click();
    await page.locator('#export-passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await expect(page.getByText('That passphrase is wrong.')).toBeVisible();
    await page.locator('#export-passphrase').fill(NEW_PASSPHRASE);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await expect(page.getByTestId('phrase-word')).toHaveText(words);
    await shot(page, 'wallet-export');
    await page.getByRole('button', { name: 'Hide' }).click();
    await expect(page.getByTestId('phrase-word')).toHaveCount(0);
  });

  test('leaving the backup unfinished keeps a reminder until the words are checked', async ({ page, hearth }) => {
    await openWallet(page, hearth.url);
    await page.getByRole('button', { name: /Create a new wallet/ }).click();
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByLabel('Type it again').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Create wallet' }).click();
    await expect(page.getByTestId('phrase-word')).toHaveCount(12, { timeout: 15_000 });
    const words = await page.getByTestId('phrase-word').allTextContents();

    // Away and back: the words are gone from the page, the reminder stays.
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('link', { name: 'Wallet' }).click();
    await expect(page.getByTestId('phrase-word')).toHaveCount(0);
    await expect(page.getByText('Your recovery phrase is not backed up yet')).toBeVisible();
    await page.getByRole('button', { name: 'Show recovery phrase' }).click();
    await page.locator('#export-passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByRole('button', { name: 'I wrote them down — check my copy' }).click();
    const labels = page.locator('label[for^="check-word-"]');
    for (const text of await labels.allTextContents()) {
      const position = Number(/#(\d+)/.exec(text)?.[1]);
      await page.getByLabel(`Word #${position}`, { exact: true }).fill(words[position - 1] ?? '');
    }
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect(page.getByText('Your copy matches.')).toBeVisible();
    await expect(page.getByText('Your recovery phrase is not backed up yet')).toHaveCount(0);
  });

  test('withdrawal: rejects a mistyped address and too much, then sends 0.1 ETH until confirmed', async ({ page, hearth }) => {
    await hearth.call('wallet.create', { passphrase: PASSPHRASE, words: 12 });
    await openWallet(page, hearth.url);
    await expectBalances(page, '1.00 ETH', '0.00 tUSD');
    const send = page.getByRole('form', { name: 'Send' });

    // The token (the default asset): more than the balance is caught as typed.
    await send.getByLabel('Recipient address').fill(BAD_CHECKSUM);
    await expect(send.getByText("The address's checksum does not match: a character is probably mistyped.")).toBeVisible();
    await expect(send.getByLabel('Recipient address')).toHaveAttribute('aria-invalid', 'true');
    await send.getByLabel('Amount').fill('1');
    await expect(send.getByText('That is more than your balance of 0.00 tUSD.')).toBeVisible();
    await expect(send.getByRole('button', { name: 'Review' })).toBeDisabled();

    // The native coin: too much, too many decimals, then a good amount.
    await send.getByRole('radio', { name: 'ETH' }).click();
    await send.getByLabel('Recipient address').fill(RECIPIENT.slice(0, 20));
    await send.getByLabel('Amount').click(); // leaving the field: now it is too short
    await expect(send.getByText('An address is 42 characters long; this has 20.')).toBeVisible();
    await send.getByLabel('Recipient address').fill(RECIPIENT);
    await expect(send.getByText('Checksum OK')).toBeVisible();
    await send.getByRole('button', { name: 'Max' }).click(); // everything minus the most the fee can be
    await expect(send.getByLabel('Amount')).toHaveValue(/^0\.9999\d+$/);
    await send.getByLabel('Amount').fill('5');
    await expect(send.getByText('That is more than your balance of 1.00 ETH.')).toBeVisible();
    await send.getByLabel('Amount').fill('0.1234567890123456789');
    await expect(send.getByText('ETH has 18 decimal places; this amount has 19.')).toBeVisible();
    await send.getByLabel('Recipient address').fill(BAD_CHECKSUM);
    await shot(page, 'wallet-send-errors');
    await send.getByLabel('Recipient address').fill(RECIPIENT);
    await send.getByLabel('Amount').fill('0.1');
    await send.getByRole('button', { name: 'Review' }).click();

    // Review: amount, recipient, the most the fee can be; then the passphrase.
    const review = page.getByTestId('send-review');
    await expect(review).toContainText('0.10 ETH');
    await expect(review.locator('.address')).toHaveAttribute('data-address', RECIPIENT);
    await expect(review).toContainText(/Network fee\s*up to 0\.0000\d+ ETH/);
    await shot(page, 'wallet-send-review');
    await review.getByLabel('Passphrase', { exact: true }).fill('not my passphrase');
    await review.getByRole('button', { name: 'Send' }).click();
    await expect(review.getByText('Wrong passphrase: nothing was sent.')).toBeVisible();
    await review.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await review.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByText(/0\.10 ETH to 0x8ba1f1…/)).toBeVisible();

    // The transaction, live: sent, mined, confirmed.
    const row = page.getByTestId('tx-row').first();
    await expect(row).toContainText('Withdrawal');
    await expect(row).toContainText('0.10 ETH');
    await expect(row).toHaveAttribute('data-state', 'confirmed', { timeout: 20_000 });
    await expect(row.getByTestId('tx-state')).toContainText('Confirmed');
    await expect(page.getByTestId('balance-native')).toContainText(/0\.89\d+ ETH/, { timeout: 20_000 });
    await shot(page, 'wallet-sent');
    await page.setViewportSize({ width: 760, height: 800 }); // a narrow window: one column, the table scrolls
    await shot(page, 'wallet-narrow');
  });

  test('imports a recovery phrase, refusing one whose checksum fails', async ({ page, hearth }) => {
    await openWallet(page, hearth.url);
    await page.getByRole('button', { name: /Import a wallet/ }).click();
    await page.getByLabel('Recovery phrase').fill('test test test');
    await expect(page.getByText('A recovery phrase has 12, 15, 18, 21 or 24 words; this has 3.')).toBeVisible();
    await page.getByLabel('Recovery phrase').fill(TEST_PHRASE.replace('junk', 'test'));
    await page.getByLabel('New passphrase for this computer').fill(PASSPHRASE);
    await page.getByLabel('Type it again').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Import wallet' }).click();
    await expect(page.getByText('That is not a valid recovery phrase')).toBeVisible({ timeout: 15_000 });
    await shot(page, 'wallet-import');
    await page.getByLabel('Recovery phrase').fill(TEST_PHRASE);
    await page.getByRole('button', { name: 'Import wallet' }).click();
    await expect(page.getByTestId('wallet-state')).toHaveText('Unlocked', { timeout: 15_000 });
    await expect(page.locator('.hero-address .address')).toHaveAttribute('data-address', TEST_ADDRESS);
    await expect(page.getByText('Your recovery phrase is not backed up yet')).toHaveCount(0);
  });

  test('explains a key file it cannot read', async ({ page, hearth }) => {
    writeFileSync(join(hearth.dataDir, 'wallet.json'), '{"not": "a key file"');
    await openWallet(page, hearth.url);
    await expect(page.getByText("Hearth cannot read your wallet's key file")).toBeVisible();
    await expect(page.getByTestId('wallet-problem')).not.toBeEmpty();
    await expect(page.getByText('Your money is not in this file:')).toBeVisible();
    await shot(page, 'wallet-unreadable');
  });
});

test.describe('Earnings', () => {
  // No jobs, so no credit to be vouchered the moment the wallet exists: the empty state is what is tested.
  test.use({ nodeSettings: { startPaused: true } });
  test('asks for a wallet first, then shows the honest empty state with the payer’s deposit', async ({ page, hearth }) => {
    await page.goto(hearth.url);
    await page.getByRole('link', { name: 'Earnings' }).click();
    await expect(page.getByRole('heading', { name: 'Set up a wallet to get paid' })).toBeVisible();
    await shot(page, 'earnings-no-wallet');

    await hearth.call('wallet.create', { passphrase: PASSPHRASE, words: 12 });
    await expect(page.getByText('No vouchers yet: they arrive as your node completes paid jobs.')).toBeVisible({ timeout: 10_000 });
    const totals = page.getByTestId('earnings-totals');
    await expect(totals).toContainText('Earned');
    await expect(totals).toContainText('0.00 tUSD');
    await expect(page.getByTestId('payer-deposit')).toContainText('1,000,000.00 tUSD');
    await expect(page.getByTestId('payer-facts')).toContainText('none'); // no announced withdrawal
    await expect(page.getByRole('button', { name: 'Claim now' })).toBeDisabled();
    await expect(page.getByTestId('claim-reason')).toHaveText('Nothing to claim yet: no vouchers have arrived.');
    await expect(page.getByTestId('auto-claim-status')).toContainText('Auto-claim on');
    await expect(page.getByTestId('auto-claim-status')).toContainText('reach 5.00 tUSD');
    await shot(page, 'earnings');

    await hearth.call('wallet.lock');
    await expect(page.getByTestId('claim-reason')).toHaveText('Unlock the wallet to claim: claims are signed with its key.');
    await expect(page.getByTestId('auto-claim-status')).toContainText('only while the wallet is unlocked');
  });
});

test.describe('Payment settings', () => {
  test('validates the network and the auto-claim amount, and saves it in base units', async ({ page, hearth }) => {
    await page.goto(hearth.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    const network = page.getByRole('form', { name: 'Payment chain' });
    await expect(network.getByLabel('Chain', { exact: true })).toHaveValue('local');
    await expect(network.getByRole('button', { name: 'Save chain' })).toBeDisabled();

    // A custom chain needs an RPC URL and a chain ID.
    await network.getByLabel('Chain', { exact: true }).selectOption('custom');
    await expect(network.getByText('A custom chain needs the RPC URL of a node on that chain.')).toBeVisible();
    await expect(network.getByText('A custom chain needs its chain ID')).toBeVisible();
    await expect(network.getByRole('button', { name: 'Save chain' })).toBeDisabled();
    await network.getByLabel('RPC URL').fill('ftp://rpc.example.org');
    await expect(network.getByText('The RPC URL must be a full http:// or https:// address')).toBeVisible();
    await network.getByLabel('RPC URL').fill('https://rpc.example.org/v1/KEY');
    await network.getByLabel('Chain ID').fill('84.53');
    await expect(network.getByText('The chain ID is a whole number, for example 8453.')).toBeVisible();
    await network.getByLabel('Chain ID').fill('8453');
    await expect(network.getByRole('button', { name: 'Save chain' })).toBeEnabled();
    await network.getByLabel('Chain', { exact: true }).selectOption('base');
    await expect(network.getByLabel('RPC URL (optional)')).toHaveValue('https://rpc.example.org/v1/KEY');
    await network.getByLabel('RPC URL (optional)').fill('http://rpc.example.org');
    await expect(network.getByText('This endpoint is not encrypted (http)')).toBeVisible();
    await network.getByLabel('Chain', { exact: true }).selectOption('custom');
    await network.getByLabel('RPC URL').fill('');
    await shot(page, 'settings-payments');
    await network.getByRole('button', { name: 'Discard' }).click();
    await expect(network.getByLabel('Chain', { exact: true })).toHaveValue('local');

    // The threshold, typed in tUSD, stored exactly in base units.
    // Typed in tUSD once the node has connected its chain and knows the token (6 decimals are assumed until then).
    await expect(page.getByRole('form', { name: 'Auto-claim threshold' }).locator('.unit')).toHaveText('tUSD', { timeout: 15_000 });
    const threshold = page.getByLabel('Claim when unclaimed earnings reach');
    await expect(threshold).toHaveValue('5');
    await threshold.fill('0');
    await expect(page.getByText('The amount must be more than zero (turn automatic claims off instead).')).toBeVisible();
    await threshold.fill('1.1234567');
    await expect(page.getByText('tUSD has 6 decimal places; this amount has 7.')).toBeVisible();
    await threshold.fill('1,5');
    await expect(page.getByText('Type the amount without thousands separators')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Save amount' })).toBeDisabled();
    await threshold.fill('2.5');
    await page.getByRole('button', { name: 'Save amount' }).click();
    await expect(page.getByRole('form', { name: 'Auto-claim threshold' }).getByRole('status')).toHaveText('Saved');
    expect(await hearth.call('settings.get')).toMatchObject({ value: { autoClaimThreshold: '2500000', chain: 'local' } });

    await page.getByRole('switch', { name: 'Claim automatically' }).click(); // controlled: it flips once the node has saved it
    await expect(page.getByRole('switch', { name: 'Claim automatically' })).not.toBeChecked();
    await expect.poll(async () => ((await hearth.call('settings.get')) as { value: { autoClaim: boolean } }).value.autoClaim).toBe(false);
    await page.reload();
    await expect(page.getByLabel('Claim when unclaimed earnings reach')).toHaveValue('2.5');
    await expect(page.getByRole('switch', { name: 'Claim automatically' })).not.toBeChecked();
  });
});
