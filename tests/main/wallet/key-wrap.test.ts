import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { noKeyWrap, noKeyWrapBecause } from '../../../main/wallet/key-wrap.ts';
import { fakeKeyWrap, newWallet, PASSPHRASE, sha256, TEST_ADDRESS, TEST_KEY, TEST_PHRASE, walletError } from './wallet-fixtures.ts';

describe('OS keychain layer (KeyWrap)', () => {
  it('wraps the keystore: the file holds only the wrapped bytes, and unwrapping opens it', async () => {
    const keyWrap = fakeKeyWrap();
    const { wallet, file } = newWallet({ keyWrap });
    expect(await wallet.importPhrase({ phrase: TEST_PHRASE, passphrase: PASSPHRASE })).toBe(TEST_ADDRESS);
    expect(keyWrap.wraps).toBe(1);

    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(stored).toMatchObject({ address: TEST_ADDRESS, keychain: 'os', wrapped: expect.any(String) as string });
    expect(stored).not.toHaveProperty('keystore');
    const wrapped = Buffer.from(stored.wrapped as string, 'base64');
    expect(wrapped.toString('utf8')).not.toContain('Crypto');
    const unwrapped = JSON.parse(await keyWrap.unwrap(wrapped)) as Record<string, unknown>;
    expect(unwrapped).toMatchObject({ version: 3, address: TEST_ADDRESS.slice(2).toLowerCase() });

    wallet.lock();
    const unwrapsBefore = keyWrap.unwraps;
    expect(await wallet.unlock(PASSPHRASE)).toBe(TEST_ADDRESS);
    expect(keyWrap.unwraps).toBe(unwrapsBefore + 1);
    expect(wallet.status()).toMatchObject({ state: 'unlocked', keychain: { kind: 'os', description: keyWrap.description } });
    expect(await wallet.exportPhrase(PASSPHRASE)).toBe(TEST_PHRASE);
  });

  it('the passphrase still matters under the keychain', async () => {
    const keyWrap = fakeKeyWrap();
    const { wallet } = newWallet({ keyWrap });
    await wallet.importPrivateKey({ privateKey: TEST_KEY, passphrase: PASSPHRASE });
    wallet.lock();
    await walletError(wallet.unlock('wrong passphrase'), 'wrong_passphrase');
  });

  it('a passphrase change re-wraps; a wrap that fails then leaves the old file as it was', async () => {
    const keyWrap = fakeKeyWrap();
    const { wallet, file } = newWallet({ keyWrap });
    await wallet.importPrivateKey({ privateKey: TEST_KEY, passphrase: PASSPHRASE });
    const first = sha256(file);
    await wallet.changePassphrase(PASSPHRASE, 'second passphrase');
    expect(sha256(file)).not.toBe(first);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ keychain: 'os' });

    const second = sha256(file);
    keyWrap.failWrap = true;
    const error = await walletError(wallet.changePassphrase('second passphrase', 'third passphrase'), 'keychain_unavailable');
    expect(error.message).not.toContain('LEAKED-DETAIL');
    expect(sha256(file)).toBe(second);
    keyWrap.failWrap = false;
    wallet.lock();
    expect(await wallet.unlock('second passphrase')).toBe(TEST_ADDRESS);
  });

  it('unwrapping errors are reported as keychain_unavailable, without the keychain\'s own message, and change nothing', async () => {
    const keyWrap = fakeKeyWrap();
    const { wallet, file } = newWallet({ keyWrap });
    await wallet.importPhrase({ phrase: TEST_PHRASE, passphrase: PASSPHRASE });
    wallet.lock();
    const before = sha256(file);
    keyWrap.failUnwrap = true;
    for (const attempt of [() => wallet.unlock(PASSPHRASE), () => wallet.exportPhrase(PASSPHRASE), () => wallet.changePassphrase(PASSPHRASE, 'another passphrase')]) {
      const error = await walletError(attempt(), 'keychain_unavailable');
      expect(error.message).toContain(file);
      expect(error.message).toMatch(/could not unlock/);
      expect(error.message).not.toContain('LEAKED-DETAIL');
      expect(error.cause).toBeUndefined();
    }
    expect(wallet.status().state).toBe('locked');
    expect(sha256(file)).toBe(before);
  });

  it('an unwrap that returns something else is a damaged file', async () => {
    const keyWrap = fakeKeyWrap();
    const { wallet, file } = newWallet({ keyWrap });
    await wallet.importPhrase({ phrase: TEST_PHRASE, passphrase: PASSPHRASE });
    wallet.lock();
    keyWrap.garble = true;
    const error = await walletError(wallet.unlock(PASSPHRASE), 'corrupt_keystore');
    expect(error.message).toContain(file);
  });

  it('a keychain that does not give back what it stored, or refuses to wrap, stops create before anything is written', async () => {
    for (const setup of [(k: ReturnType<typeof fakeKeyWrap>) => (k.garble = true), (k: ReturnType<typeof fakeKeyWrap>) => (k.failWrap = true)]) {
      const keyWrap = fakeKeyWrap();
      setup(keyWrap);
      const { wallet, dir } = newWallet({ keyWrap });
      const error = await walletError(wallet.create({ passphrase: PASSPHRASE, words: 12 }), 'keychain_unavailable');
      expect(error.message).toMatch(/Nothing was saved/);
      expect(readdirSync(dir)).toEqual([]);
      expect(wallet.status().state).toBe('none');
    }
  });

  it('a wallet wrapped by the OS keychain, opened where there is none (headless), is refused with a clear error', async () => {
    const { wallet: desktop, file } = newWallet({ keyWrap: fakeKeyWrap() });
    await desktop.importPhrase({ phrase: TEST_PHRASE, passphrase: PASSPHRASE });
    const before = sha256(file);

    const { wallet: headless } = newWallet({ file, keyWrap: noKeyWrap });
    const error = await walletError(() => headless.status(), 'keychain_unavailable');
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/OS keychain of the desktop app, which is not available here/);
    expect(error.message).toMatch(/recovery phrase/);
    await walletError(headless.unlock(PASSPHRASE), 'keychain_unavailable');
    await walletError(headless.exportPhrase(PASSPHRASE), 'keychain_unavailable');
    await walletError(headless.changePassphrase(PASSPHRASE, 'another passphrase'), 'keychain_unavailable');
    await walletError(headless.create({ passphrase: PASSPHRASE, words: 12 }), 'exists');
    expect(sha256(file)).toBe(before);
  });

  it('a wallet made without the keychain stays so where one is available, and says so', async () => {
    const { wallet: headless, file } = newWallet();
    await headless.importPrivateKey({ privateKey: TEST_KEY, passphrase: PASSPHRASE });
    const keyWrap = fakeKeyWrap();
    const { wallet: desktop } = newWallet({ file, keyWrap });
    expect(desktop.status()).toMatchObject({ state: 'locked', keychain: { kind: 'none', description: expect.stringMatching(/passphrase alone/) as string } });
    expect(await desktop.unlock(PASSPHRASE)).toBe(TEST_ADDRESS);
    await desktop.changePassphrase(PASSPHRASE, 'another passphrase');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ keychain: 'none' });
    expect(keyWrap.wraps + keyWrap.unwraps).toBe(0);
  });

  it('without a keychain, status says why', () => {
    const why = noKeyWrapBecause('No secure password store was found.');
    expect(newWallet({ keyWrap: why }).wallet.status().keychain).toEqual({ kind: 'none', description: 'No secure password store was found.' });
  });
});
