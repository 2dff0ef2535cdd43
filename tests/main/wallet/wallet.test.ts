import { readdirSync, readFileSync, statSync } from 'node:fs';
import { verifyMessage } from 'viem';
import { english, mnemonicToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { WalletError } from '../../../main/wallet/errors.ts';
import type { WalletStatus } from '../../../main/wallet/wallet.ts';
import { newWallet, PASSPHRASE, sha256, TEST_ADDRESS, TEST_KEY, TEST_PHRASE, walletError } from './wallet-fixtures.ts';

describe('Wallet: create, lock, unlock', () => {
  it('starts with no wallet', async () => {
    const { wallet } = newWallet();
    expect(wallet.status()).toMatchObject({ state: 'none', address: null, source: null, hasPhrase: false, keychain: { kind: 'none' } });
    await walletError(wallet.unlock(PASSPHRASE), 'no_wallet');
    await walletError(wallet.exportPhrase(PASSPHRASE), 'no_wallet');
    await walletError(wallet.changePassphrase(PASSPHRASE, 'another passphrase'), 'no_wallet');
    await walletError(() => wallet.account(), 'locked');
  });

  it('round trip: create → lock → unlock gives the same address, which signs verifiably', async () => {
    const { wallet, file, dir } = newWallet();
    const address = await wallet.create({ passphrase: PASSPHRASE, words: 12 });
    expect(address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(wallet.status()).toEqual({
      state: 'unlocked',
      address,
      source: 'created',
      keychain: { kind: 'none', description: expect.any(String) as string },
      hasPhrase: true,
    });
    expect(wallet.account().address).toBe(address);

    wallet.lock();
    expect(wallet.status().state).toBe('locked');
    expect(wallet.status().address).toBe(address);
    await walletError(() => wallet.account(), 'locked');

    expect(await wallet.unlock(PASSPHRASE)).toBe(address);
    const signature = await wallet.account().signMessage({ message: 'hearth' });
    expect(await verifyMessage({ address, message: 'hearth', signature })).toBe(true);

    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(stored).toMatchObject({ format: 'hearth-wallet', version: 1, address, source: 'created', createdAt: 1_700_000_000_000, keychain: 'none' });
    expect(stored.keystore).toMatchObject({ version: 3, Crypto: { kdf: 'scrypt', cipher: 'aes-128-ctr' } });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['wallet.json']);
  });

  it('verifyPassphrase checks without unlocking a locked wallet or replacing an unlocked one\'s signer', async () => {
    const { wallet } = newWallet();
    await wallet.create({ passphrase: PASSPHRASE, words: 12 });
    const signer = wallet.account();
    await wallet.verifyPassphrase(PASSPHRASE);
    expect(wallet.account()).toBe(signer);
    await walletError(wallet.verifyPassphrase('not the passphrase'), 'wrong_passphrase');
    expect(wallet.status().state).toBe('unlocked');
    wallet.lock();
    await wallet.verifyPassphrase(PASSPHRASE);
    expect(wallet.status().state).toBe('locked');
  });

  it('a second wallet opened on the same file unlocks it', async () => {
    const { wallet, file } = newWallet();
    const address = await wallet.create({ passphrase: PASSPHRASE, words: 24 });
    const again = newWallet({ file }).wallet;
    expect(again.status()).toMatchObject({ state: 'locked', address, source: 'created', hasPhrase: true });
    expect(await again.unlock(PASSPHRASE)).toBe(address);
  });

  it('creates 12- and 24-word phrases from the BIP-39 English list, at m/44\'/60\'/0\'/0/0', async () => {
    for (const words of [12, 24] as const) {
      const { wallet } = newWallet();
      const address = await wallet.create({ passphrase: PASSPHRASE, words });
      const phrase = await wallet.exportPhrase(PASSPHRASE);
      expect(phrase.split(' ')).toHaveLength(words);
      expect(phrase.split(' ').every((word) => english.includes(word))).toBe(true);
      expect(mnemonicToAccount(phrase).address).toBe(address);
    }
  });

  it('reports status changes to listeners; a throwing listener does not break the wallet', async () => {
    const { wallet } = newWallet();
    const seen: WalletStatus['state'][] = [];
    const unsubscribe = wallet.onChange((status) => seen.push(status.state));
    wallet.onChange(() => {
      throw new Error('listener bug');
    });
    await wallet.create({ passphrase: PASSPHRASE, words: 12 });
    wallet.lock();
    wallet.lock();
    await wallet.unlock(PASSPHRASE);
    unsubscribe();
    wallet.lock();
    expect(seen).toEqual(['unlocked', 'locked', 'unlocked']);
  });

  it('lock() wins over an unlock still in flight, and a kept signer stops signing', async () => {
    const { wallet } = newWallet();
    await wallet.create({ passphrase: PASSPHRASE, words: 12 });
    const signer = wallet.account();
    wallet.lock();
    await walletError(signer.signMessage({ message: 'after lock' }), 'locked');

    const unlocking = wallet.unlock(PASSPHRASE);
    wallet.lock();
    await unlocking;
    expect(wallet.status().state).toBe('locked');
    await walletError(() => wallet.account(), 'locked');
  });

  it('runs operations one at a time: of two creates, one wins and the other is refused', async () => {
    const { wallet, file } = newWallet();
    const results = await Promise.allSettled([
      wallet.create({ passphrase: PASSPHRASE, words: 12 }),
      wallet.importPrivateKey({ privateKey: TEST_KEY, passphrase: PASSPHRASE }),
    ]);
    expect(results[0]?.status).toBe('fulfilled');
    expect(results[1]?.status).toBe('rejected');
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(WalletError);
    expect(((results[1] as PromiseRejectedResult).reason as WalletError).code).toBe('exists');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ source: 'created' });
  });
});

describe('Wallet: import', () => {
  it('imports the standard test phrase at its well-known address (any spacing and case)', async () => {
    const { wallet } = newWallet();
    const messy = `  ${TEST_PHRASE.toUpperCase().split(' ').join(' \n\t ')}  `;
    expect(await wallet.importPhrase({ phrase: messy, passphrase: PASSPHRASE })).toBe(TEST_ADDRESS);
    expect(wallet.status()).toMatchObject({ state: 'unlocked', address: TEST_ADDRESS, source: 'imported-phrase', hasPhrase: true });
    expect(await wallet.exportPhrase(PASSPHRASE)).toBe(TEST_PHRASE);
    wallet.lock();
    expect(await wallet.unlock(PASSPHRASE)).toBe(TEST_ADDRESS);
  });

  it('imports another account of a phrase (m/44\'/60\'/n\'/0/0)', async () => {
    const { wallet } = newWallet();
    const address = await wallet.importPhrase({ phrase: TEST_PHRASE, passphrase: PASSPHRASE, accountIndex: 3 });
    expect(address).toBe(mnemonicToAccount(TEST_PHRASE, { accountIndex: 3 }).address);
    wallet.lock();
    expect(await wallet.unlock(PASSPHRASE)).toBe(address);
    await walletError(newWallet().wallet.importPhrase({ phrase: TEST_PHRASE, passphrase: PASSPHRASE, accountIndex: -1 }), 'invalid_phrase');
    await walletError(newWallet().wallet.importPhrase({ phrase: TEST_PHRASE, passphrase: PASSPHRASE, accountIndex: 2 ** 31 }), 'invalid_phrase');
  });

  it('imports a private key (with or without 0x, any case); such a wallet has no phrase', async () => {
    for (const privateKey of [TEST_KEY, TEST_KEY.slice(2).toUpperCase(), ` 0X${TEST_KEY.slice(2)} `]) {
      const { wallet } = newWallet();
      expect(await wallet.importPrivateKey({ privateKey, passphrase: PASSPHRASE })).toBe(TEST_ADDRESS);
      expect(wallet.status()).toMatchObject({ source: 'imported-key', hasPhrase: false });
      const error = await walletError(wallet.exportPhrase(PASSPHRASE), 'no_phrase');
      expect(error.message).toMatch(/private key/);
      wallet.lock();
      expect(await wallet.unlock(PASSPHRASE)).toBe(TEST_ADDRESS);
      const signature = await wallet.account().signMessage({ message: 'x' });
      expect(await verifyMessage({ address: TEST_ADDRESS, message: 'x', signature })).toBe(true);
    }
  });

  it('accepts the extremes of the key range: 1 and n − 1', async () => {
    const one = `0x${'0'.repeat(63)}1`;
    expect(await newWallet().wallet.importPrivateKey({ privateKey: one, passphrase: PASSPHRASE })).toBe('0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf');
    const last = '0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140';
    await expect(newWallet().wallet.importPrivateKey({ privateKey: last, passphrase: PASSPHRASE })).resolves.toMatch(/^0x/);
  });

  it('refuses invalid phrases: bad checksum, unknown word, wrong count, empty', async () => {
    const cases: [string, RegExp][] = [
      ['abandon '.repeat(12).trim(), /does not check out/],
      [TEST_PHRASE.replace('junk', 'junky'), /Word 12 .* not in the BIP-39 English word list/],
      [TEST_PHRASE.split(' ').slice(1).join(' '), /12, 15, 18, 21 or 24 words; this one has 11/],
      [`${TEST_PHRASE} test`, /this one has 13/],
      ['', /this one has 0/],
    ];
    for (const [phrase, message] of cases) {
      const { wallet, dir } = newWallet();
      const error = await walletError(wallet.importPhrase({ phrase, passphrase: PASSPHRASE }), 'invalid_phrase');
      expect(error.message).toMatch(message);
      expect(readdirSync(dir)).toEqual([]);
      expect(wallet.status().state).toBe('none');
    }
  });

  it('refuses invalid keys: not hex, wrong length, zero, ≥ the curve order', async () => {
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const invalid = [
      `0x${'zz'.repeat(32)}`,
      TEST_KEY.slice(0, -1),
      `${TEST_KEY}00`,
      '',
      `0x${'0'.repeat(64)}`,
      `0x${n.toString(16)}`,
      `0x${(n + 1n).toString(16)}`,
      `0x${'f'.repeat(64)}`,
      TEST_PHRASE,
    ];
    for (const privateKey of invalid) {
      const { wallet, dir } = newWallet();
      await walletError(wallet.importPrivateKey({ privateKey, passphrase: PASSPHRASE }), 'invalid_key');
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it('refuses to create or import over an existing file, which stays as it was', async () => {
    const { wallet, file } = newWallet();
    await wallet.create({ passphrase: PASSPHRASE, words: 12 });
    const before = sha256(file);
    for (const attempt of [
      () => wallet.create({ passphrase: PASSPHRASE, words: 12 }),
      () => wallet.importPhrase({ phrase: TEST_PHRASE, passphrase: PASSPHRASE }),
      () => newWallet({ file }).wallet.importPrivateKey({ privateKey: TEST_KEY, passphrase: PASSPHRASE }),
    ]) {
      const error = await walletError(attempt(), 'exists');
      expect(error.message).toContain(file);
      expect(error.message).toMatch(/move it aside/);
    }
    expect(sha256(file)).toBe(before);
  });
});

describe('Wallet: passphrases', () => {
  it('refuses a weak passphrase (under 8 characters, counted as characters) and writes nothing', async () => {
    for (const passphrase of ['', 'short', '1234567', '🔑🔑🔑🔑🔑🔑🔑']) {
      const { wallet, dir } = newWallet();
      const error = await walletError(wallet.create({ passphrase, words: 12 }), 'weak_passphrase');
      expect(error.message).toMatch(/at least 8 characters/);
      await walletError(wallet.importPhrase({ phrase: TEST_PHRASE, passphrase }), 'weak_passphrase');
      await walletError(wallet.importPrivateKey({ privateKey: TEST_KEY, passphrase }), 'weak_passphrase');
      expect(readdirSync(dir)).toEqual([]);
    }
    await expect(newWallet().wallet.create({ passphrase: '🔑🔑🔑🔑🔑🔑🔑🔑', words: 12 })).resolves.toMatch(/^0x/);
  });

  it('a wrong passphrase unlocks nothing, exports nothing, and leaves an unlocked wallet as it was', async () => {
    const { wallet, file } = newWallet();
    const address = await wallet.create({ passphrase: PASSPHRASE, words: 12 });
    const before = sha256(file);
    wallet.lock();
    for (const wrong of ['correct horse batterY', 'wrong', '', `${PASSPHRASE} `]) {
      await walletError(wallet.unlock(wrong), 'wrong_passphrase');
      expect(wallet.status().state).toBe('locked');
      await walletError(() => wallet.account(), 'locked');
    }
    await walletError(wallet.exportPhrase('wrong passphrase'), 'wrong_passphrase');
    await wallet.unlock(PASSPHRASE);
    await walletError(wallet.unlock('wrong passphrase'), 'wrong_passphrase');
    await walletError(wallet.exportPhrase('wrong passphrase'), 'wrong_passphrase');
    expect(wallet.account().address).toBe(address);
    expect(sha256(file)).toBe(before);
  });

  it('changes the passphrase: the old one stops working, the new one works, same key and phrase', async () => {
    const { wallet, file, dir } = newWallet();
    const address = await wallet.create({ passphrase: PASSPHRASE, words: 12 });
    const phrase = await wallet.exportPhrase(PASSPHRASE);
    const createdAt = (JSON.parse(readFileSync(file, 'utf8')) as { createdAt: number }).createdAt;

    await wallet.changePassphrase(PASSPHRASE, 'a new passphrase');
    expect(wallet.status().state).toBe('unlocked');
    wallet.lock();
    await walletError(wallet.unlock(PASSPHRASE), 'wrong_passphrase');
    expect(await wallet.unlock('a new passphrase')).toBe(address);
    expect(await wallet.exportPhrase('a new passphrase')).toBe(phrase);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ address, source: 'created', createdAt });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['wallet.json']);
  });

  it('a failed passphrase change leaves the file byte-identical', async () => {
    const { wallet, file } = newWallet();
    await wallet.importPrivateKey({ privateKey: TEST_KEY, passphrase: PASSPHRASE });
    wallet.lock();
    const before = sha256(file);
    await walletError(wallet.changePassphrase('wrong passphrase', 'a new passphrase'), 'wrong_passphrase');
    await walletError(wallet.changePassphrase(PASSPHRASE, 'short'), 'weak_passphrase');
    expect(sha256(file)).toBe(before);
    expect(wallet.status().state).toBe('locked');
    expect(await wallet.unlock(PASSPHRASE)).toBe(TEST_ADDRESS);
  });
});
