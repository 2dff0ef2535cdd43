import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { mnemonicToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { WalletError } from '../../../main/wallet/errors.ts';
import { phraseToEntropy } from '../../../main/wallet/recovery-phrase.ts';
import type { Wallet } from '../../../main/wallet/wallet.ts';
import { fakeKeyWrap, newWallet, TEST_KEY, TEST_PHRASE } from './wallet-fixtures.ts';

/**
 * What must never be found: in the key file (or anything else in the data
 * folder), in status(), in any WalletError however it is printed.
 */
interface Secrets {
  key: string;
  phrase?: string;
  passphrases: string[];
}

function keyForms(key: string): string[] {
  const hex = key.replace(/^0x/u, '').toLowerCase();
  const bytes = Buffer.from(hex, 'hex');
  const forms = [hex, hex.toUpperCase(), `0x${hex}`, `0X${hex.toUpperCase()}`, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('base64').replace(/=+$/u, '')];
  // Any 8-byte run of the key in hex: a partial leak counts too.
  for (let i = 0; i + 16 <= hex.length; i += 2) forms.push(hex.slice(i, i + 16));
  return forms;
}

/** The phrase, any 3 consecutive words of it with any separator, and its entropy. */
function phrasePatterns(phrase: string): RegExp[] {
  const words = phrase.split(' ');
  const patterns = [new RegExp(words.join('[^a-z]+'), 'iu')];
  for (let i = 0; i + 3 <= words.length; i++) patterns.push(new RegExp(`\\b${words.slice(i, i + 3).join('[^a-z]+')}\\b`, 'iu'));
  const entropy = Buffer.from(phraseToEntropy(phrase)).toString('hex');
  patterns.push(new RegExp(entropy, 'iu'));
  return patterns;
}

function expectClean(text: string, secrets: Secrets, where: string): void {
  const lower = text.toLowerCase();
  for (const form of keyForms(secrets.key)) expect(text.includes(form) || lower.includes(form.toLowerCase()), `${where} holds the private key (${form.slice(0, 6)}…)`).toBe(false);
  if (secrets.phrase) for (const pattern of phrasePatterns(secrets.phrase)) expect(pattern.test(text), `${where} holds the recovery phrase (${pattern.source.slice(0, 20)}…)`).toBe(false);
  for (const passphrase of secrets.passphrases) {
    expect(text.includes(passphrase), `${where} holds a passphrase`).toBe(false);
    expect(lower.includes(Buffer.from(passphrase).toString('hex')), `${where} holds a passphrase (hex)`).toBe(false);
  }
}

function expectFolderClean(dir: string, secrets: Secrets): void {
  for (const name of readdirSync(dir)) {
    const bytes = readFileSync(join(dir, name));
    expectClean(bytes.toString('utf8'), secrets, name);
    expectClean(bytes.toString('latin1'), secrets, `${name} (as bytes)`);
    expect(bytes.includes(Buffer.from(secrets.key.replace(/^0x/u, ''), 'hex')), `${name} holds the raw key bytes`).toBe(false);
  }
}

function expectStatusClean(wallet: Wallet, secrets: Secrets): void {
  expectClean(JSON.stringify(wallet.status()), secrets, 'status()');
  expectClean(inspect(wallet, { depth: 10, showHidden: true }), secrets, 'inspect(wallet)');
}

function expectErrorClean(error: unknown, secrets: Secrets): void {
  expect(error).toBeInstanceOf(WalletError);
  const e = error as WalletError;
  for (const [form, text] of [
    ['message', e.message],
    ['String()', String(e)],
    ['stack', e.stack ?? ''],
    ['JSON', JSON.stringify(e)],
    ['inspect', inspect(e, { depth: 10, showHidden: true })],
  ] as const) {
    expectClean(text, secrets, `WalletError ${e.code} (${form})`);
  }
}

async function failure(promise: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

const PASSPHRASE = 'Secret-Passphrase-4711';
const NEXT_PASSPHRASE = 'Other-Secret-0815-xyz';

describe('secrets at rest and in messages', () => {
  it('the scanner finds each form it looks for (so a clean result means something)', () => {
    const secrets = { key: TEST_KEY, phrase: TEST_PHRASE, passphrases: [PASSPHRASE] };
    const key = Buffer.from(TEST_KEY.slice(2), 'hex');
    const leaks = [
      TEST_KEY.toUpperCase(),
      TEST_KEY.slice(2),
      key.toString('base64'),
      key.toString('base64url'),
      `…${TEST_KEY.slice(20, 40)}…`,
      'x test, test\ntest y',
      Buffer.from(phraseToEntropy(TEST_PHRASE)).toString('hex'),
      `"${PASSPHRASE}"`,
      Buffer.from(PASSPHRASE).toString('hex'),
    ];
    for (const leak of leaks) expect(() => expectClean(leak, secrets, 'sample'), leak).toThrow();
    expect(() => expectClean('test junk and a checksum', secrets, 'sample')).not.toThrow();
  });

  for (const keychain of ['none', 'os'] as const) {
    describe(`keychain: ${keychain}`, () => {
      const keyWrapOption = (): { keyWrap?: ReturnType<typeof fakeKeyWrap> } => (keychain === 'os' ? { keyWrap: fakeKeyWrap() } : {});

      it('a created wallet: the key file holds no key, phrase or passphrase, before and after a passphrase change', async () => {
        const { wallet, dir } = newWallet(keyWrapOption());
        await wallet.create({ passphrase: PASSPHRASE, words: 24 });
        const phrase = await wallet.exportPhrase(PASSPHRASE);
        const key = `0x${Buffer.from(mnemonicToAccount(phrase).getHdKey().privateKey ?? new Uint8Array()).toString('hex')}`;
        expect(key).toHaveLength(66);
        const secrets = { key, phrase, passphrases: [PASSPHRASE, NEXT_PASSPHRASE] };
        expectFolderClean(dir, secrets);
        expectStatusClean(wallet, secrets);
        expectClean(inspect(wallet.account(), { depth: 10, showHidden: true }), secrets, 'inspect(account())');

        await wallet.changePassphrase(PASSPHRASE, NEXT_PASSPHRASE);
        expectFolderClean(dir, secrets);
        wallet.lock();
        expectStatusClean(wallet, secrets);
      });

      it('an imported phrase and an imported key: the key file holds neither', async () => {
        const fromPhrase = newWallet(keyWrapOption());
        await fromPhrase.wallet.importPhrase({ phrase: TEST_PHRASE, passphrase: PASSPHRASE });
        expectFolderClean(fromPhrase.dir, { key: TEST_KEY, phrase: TEST_PHRASE, passphrases: [PASSPHRASE] });
        expectStatusClean(fromPhrase.wallet, { key: TEST_KEY, phrase: TEST_PHRASE, passphrases: [PASSPHRASE] });

        const fromKey = newWallet(keyWrapOption());
        await fromKey.wallet.importPrivateKey({ privateKey: TEST_KEY, passphrase: PASSPHRASE });
        expectFolderClean(fromKey.dir, { key: TEST_KEY, passphrases: [PASSPHRASE] });
        expectStatusClean(fromKey.wallet, { key: TEST_KEY, passphrases: [PASSPHRASE] });
      });
    });
  }

  it('no WalletError carries the key, the phrase or a passphrase, however it is printed', async () => {
    const secrets = { key: TEST_KEY, phrase: TEST_PHRASE, passphrases: [PASSPHRASE, 'Wrong-Guess-123', 'hunter2'] };
    const errors: unknown[] = [];

    // Inputs that are secrets, or nearly: a near-miss is still mostly the secret.
    const fresh = newWallet().wallet;
    errors.push(await failure(fresh.importPrivateKey({ privateKey: `${TEST_KEY}0`, passphrase: PASSPHRASE })));
    errors.push(await failure(fresh.importPrivateKey({ privateKey: `${TEST_KEY.slice(0, -1)}g`, passphrase: PASSPHRASE })));
    errors.push(await failure(fresh.importPrivateKey({ privateKey: TEST_KEY, passphrase: 'hunter2' })));
    errors.push(await failure(fresh.importPhrase({ phrase: TEST_PHRASE.replace('junk', 'test'), passphrase: PASSPHRASE })));
    errors.push(await failure(fresh.importPhrase({ phrase: TEST_PHRASE.replace('junk', 'junko'), passphrase: PASSPHRASE })));
    errors.push(await failure(fresh.importPhrase({ phrase: `${TEST_PHRASE} test`, passphrase: PASSPHRASE })));
    errors.push(await failure(fresh.importPhrase({ phrase: TEST_PHRASE, passphrase: 'hunter2' })));
    errors.push(await failure(() => fresh.account()));

    // An existing wallet, wrong passphrases, damage, a failing keychain.
    const keyWrap = fakeKeyWrap();
    const { wallet } = newWallet({ keyWrap });
    await wallet.importPhrase({ phrase: TEST_PHRASE, passphrase: PASSPHRASE });
    errors.push(await failure(wallet.importPrivateKey({ privateKey: TEST_KEY, passphrase: PASSPHRASE })));
    errors.push(await failure(wallet.unlock('Wrong-Guess-123')));
    errors.push(await failure(wallet.exportPhrase('Wrong-Guess-123')));
    errors.push(await failure(wallet.changePassphrase('Wrong-Guess-123', PASSPHRASE)));
    errors.push(await failure(wallet.changePassphrase(PASSPHRASE, 'hunter2')));
    keyWrap.failUnwrap = true;
    errors.push(await failure(wallet.unlock(PASSPHRASE)));
    keyWrap.failUnwrap = false;
    keyWrap.failWrap = true;
    errors.push(await failure(wallet.changePassphrase(PASSPHRASE, 'Wrong-Guess-123')));
    keyWrap.failWrap = false;
    keyWrap.garble = true;
    errors.push(await failure(wallet.unlock(PASSPHRASE)));

    const { wallet: keyOnly } = newWallet();
    await keyOnly.importPrivateKey({ privateKey: TEST_KEY, passphrase: PASSPHRASE });
    errors.push(await failure(keyOnly.exportPhrase(PASSPHRASE)));

    // A damaged mnemonic section: the wallet decrypts, then refuses.
    const damaged = newWallet();
    await damaged.wallet.importPhrase({ phrase: TEST_PHRASE, passphrase: PASSPHRASE });
    const json = JSON.parse(readFileSync(damaged.file, 'utf8')) as { keystore: { 'x-ethers': { mnemonicCiphertext: string } } };
    const ciphertext = json.keystore['x-ethers'].mnemonicCiphertext;
    json.keystore['x-ethers'].mnemonicCiphertext = (ciphertext[0] === '0' ? '1' : '0') + ciphertext.slice(1);
    writeFileSync(damaged.file, JSON.stringify(json));
    errors.push(await failure(newWallet({ file: damaged.file }).wallet.unlock(PASSPHRASE)));

    expect(errors.map((error) => (error as WalletError).code)).toEqual([
      'invalid_key',
      'invalid_key',
      'weak_passphrase',
      'invalid_phrase',
      'invalid_phrase',
      'invalid_phrase',
      'weak_passphrase',
      'locked',
      'exists',
      'wrong_passphrase',
      'wrong_passphrase',
      'wrong_passphrase',
      'weak_passphrase',
      'keychain_unavailable',
      'keychain_unavailable',
      'corrupt_keystore',
      'no_phrase',
      'corrupt_keystore',
    ]);
    for (const error of errors) expectErrorClean(error, secrets);
  });
});
