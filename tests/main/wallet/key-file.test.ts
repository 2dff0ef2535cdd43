import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WalletErrorCode } from '../../../main/wallet/errors.ts';
import { newWallet, PASSPHRASE, sha256, TEST_ADDRESS, TEST_PHRASE, walletError } from './wallet-fixtures.ts';

type Json = Record<string, unknown>;
const flip = (hex: string): string => (hex[0] === 'a' ? 'b' : 'a') + hex.slice(1);

async function walletFile(): Promise<{ file: string; text: string; json: Json & { keystore: Json & { Crypto: Json; 'x-ethers': Json } } }> {
  const { wallet, file } = newWallet();
  await wallet.importPhrase({ phrase: TEST_PHRASE, passphrase: PASSPHRASE });
  const text = readFileSync(file, 'utf8');
  return { file, text, json: JSON.parse(text) as never };
}

/**
 * Each damaged file: the error names the file (from status() where the damage
 * is visible without the passphrase, else from unlock), a new wallet is
 * refused, and the file stays byte-identical.
 */
const damages: { name: string; edit: (text: string, json: Awaited<ReturnType<typeof walletFile>>['json']) => string; code: WalletErrorCode; at: 'status' | 'unlock'; message: RegExp }[] = [
  { name: 'truncated JSON', edit: (text) => text.slice(0, Math.floor(text.length / 2)), code: 'corrupt_keystore', at: 'status', message: /not valid JSON/ },
  { name: 'empty file', edit: () => '', code: 'corrupt_keystore', at: 'status', message: /not valid JSON/ },
  { name: 'another kind of file', edit: () => '{"hello": "world"}', code: 'corrupt_keystore', at: 'status', message: /not a Hearth wallet key file/ },
  { name: 'a JSON array', edit: () => '[1, 2]', code: 'corrupt_keystore', at: 'status', message: /not a Hearth wallet key file/ },
  { name: 'a newer format version', edit: (_, json) => JSON.stringify({ ...json, version: 2 }), code: 'corrupt_keystore', at: 'status', message: /newer version of Hearth \(format 2\)/ },
  { name: 'an unknown version', edit: (_, json) => JSON.stringify({ ...json, version: '1' }), code: 'corrupt_keystore', at: 'status', message: /damaged \(unexpected content at version\)/ },
  { name: 'an unknown field', edit: (_, json) => JSON.stringify({ ...json, extra: 1 }), code: 'corrupt_keystore', at: 'status', message: /damaged/ },
  { name: 'a missing keystore', edit: (_, json) => JSON.stringify({ ...json, keystore: undefined }), code: 'corrupt_keystore', at: 'status', message: /damaged \(unexpected content at keystore\)/ },
  { name: 'an address not checksummed', edit: (_, json) => JSON.stringify({ ...json, address: TEST_ADDRESS.toLowerCase() }), code: 'corrupt_keystore', at: 'status', message: /damaged \(unexpected content at address\)/ },
  {
    name: 'an address that is not the keystore\'s',
    edit: (_, json) => JSON.stringify({ ...json, address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' }),
    code: 'corrupt_keystore',
    at: 'status',
    message: /address does not match/,
  },
  {
    name: 'a truncated ciphertext',
    edit: (_, json) => JSON.stringify({ ...json, keystore: { ...json.keystore, Crypto: { ...json.keystore.Crypto, ciphertext: '00ff' } } }),
    code: 'corrupt_keystore',
    at: 'status',
    message: /keystore\.Crypto\.ciphertext/,
  },
  {
    name: 'an absurd scrypt cost',
    edit: (_, json) =>
      JSON.stringify({ ...json, keystore: { ...json.keystore, Crypto: { ...json.keystore.Crypto, kdfparams: { ...(json.keystore.Crypto.kdfparams as Json), n: 2 ** 30 } } } }),
    code: 'corrupt_keystore',
    at: 'status',
    message: /kdfparams/,
  },
  // A v3 keystore checks the passphrase with a MAC over the ciphertext: an edit there looks like a wrong passphrase.
  {
    name: 'an edited ciphertext',
    edit: (_, json) => JSON.stringify({ ...json, keystore: { ...json.keystore, Crypto: { ...json.keystore.Crypto, ciphertext: flip(json.keystore.Crypto.ciphertext as string) } } }),
    code: 'wrong_passphrase',
    at: 'unlock',
    message: /or the key file was altered/,
  },
  {
    name: 'an edited MAC',
    edit: (_, json) => JSON.stringify({ ...json, keystore: { ...json.keystore, Crypto: { ...json.keystore.Crypto, mac: flip(json.keystore.Crypto.mac as string) } } }),
    code: 'wrong_passphrase',
    at: 'unlock',
    message: /or the key file was altered/,
  },
  // ethers' mnemonic section is outside the MAC: the phrase is checked against the key after decrypting.
  {
    name: 'an edited phrase ciphertext',
    edit: (_, json) =>
      JSON.stringify({ ...json, keystore: { ...json.keystore, 'x-ethers': { ...json.keystore['x-ethers'], mnemonicCiphertext: flip(json.keystore['x-ethers'].mnemonicCiphertext as string) } } }),
    code: 'corrupt_keystore',
    at: 'unlock',
    message: /recovery phrase does not match its key/,
  },
  {
    name: 'an edited derivation path',
    edit: (_, json) => JSON.stringify({ ...json, keystore: { ...json.keystore, 'x-ethers': { ...json.keystore['x-ethers'], path: "m/44'/60'/1'/0/0" } } }),
    code: 'corrupt_keystore',
    at: 'unlock',
    message: /recovery phrase does not match its key/,
  },
];

describe('key file: damaged files are reported and never modified', () => {
  for (const damage of damages) {
    it(damage.name, async () => {
      const { file, text, json } = await walletFile();
      writeFileSync(file, damage.edit(text, json));
      const before = sha256(file);
      const { wallet } = newWallet({ file });

      const error =
        damage.at === 'status' ? await walletError(() => wallet.status(), damage.code) : await walletError(wallet.unlock(PASSPHRASE), damage.code);
      expect(error.message).toMatch(damage.message);
      if (damage.code === 'corrupt_keystore') {
        expect(error.message).toContain(file);
        expect(error.message).toMatch(/not modified/);
      }
      if (damage.at === 'status') await walletError(wallet.unlock(PASSPHRASE), damage.code);
      else expect(wallet.status().state).toBe('locked');
      await walletError(wallet.exportPhrase(PASSPHRASE), damage.code);
      await walletError(wallet.changePassphrase(PASSPHRASE, 'another passphrase'), damage.code);
      const refused = await walletError(wallet.create({ passphrase: PASSPHRASE, words: 12 }), 'exists');
      expect(refused.message).toMatch(/move it aside/);
      await walletError(wallet.importPhrase({ phrase: TEST_PHRASE, passphrase: PASSPHRASE }), 'exists');

      expect(sha256(file)).toBe(before);
      expect(readdirSync(join(file, '..'))).toEqual(['wallet.json']);
    });
  }

  it('a key file that cannot be read (a folder in its place) is reported by name and left alone', async () => {
    const { wallet, file } = newWallet();
    mkdirSync(file);
    const error = await walletError(() => wallet.status(), 'corrupt_keystore');
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/cannot be read \(EISDIR\)/);
    await walletError(wallet.create({ passphrase: PASSPHRASE, words: 12 }), 'exists');
    expect(readdirSync(file)).toEqual([]);
  });
});

describe('key file: writing', () => {
  it('a write that fails leaves nothing behind and reports the file', async () => {
    const { dir } = newWallet();
    writeFileSync(join(dir, 'not-a-folder'), '');
    const { wallet } = newWallet({ file: join(dir, 'not-a-folder', 'wallet.json') });
    const error = await walletError(wallet.create({ passphrase: PASSPHRASE, words: 12 }), 'write_failed');
    expect(error.message).toMatch(/could not be written \(ENOTDIR\)\. Nothing was changed/);
    expect(wallet.status().state).toBe('none');
    expect(readdirSync(dir)).toEqual(['not-a-folder']);
  });

  it('creates the data folder when it does not exist yet', async () => {
    const { dir } = newWallet();
    const { wallet } = newWallet({ file: join(dir, 'data', 'wallet.json') });
    await wallet.importPhrase({ phrase: TEST_PHRASE, passphrase: PASSPHRASE });
    expect(readdirSync(join(dir, 'data'))).toEqual(['wallet.json']);
  });
});
