/**
 * The node key: a hot secp256k1 key made on first start, which signs the
 * node's Login and every JobResult. It holds no money — vouchers are made out
 * to the wallet — so it lives in its own small file (`node-key.json`, 0600)
 * and is loaded without a passphrase. With the OS keychain (the desktop app)
 * the key is wrapped by it; headless mode has no keychain and stores it plain.
 *
 * A file that exists is never overwritten: a damaged one is reported by its
 * path and left for the user to move aside (a new key makes a new node to the
 * network, and results it signed under the old one stay attributed to that).
 * The key never leaves this module's LocalAccount: it is not logged, not
 * returned, not put into an error message.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getAddress, isAddress, type LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { z } from 'zod';
import { ExistsError, writeFileAtomic } from '../wallet/atomic-file.ts';
import type { KeyWrap } from '../wallet/key-wrap.ts';

export const NODE_KEY_FILE = 'node-key.json';
const FORMAT = 'hearth-node-key';
const VERSION = 1;

const PRIVATE_KEY = /^0x[0-9a-f]{64}$/;
const common = {
  format: z.literal(FORMAT),
  version: z.literal(VERSION),
  address: z.string().refine((value) => isAddress(value, { strict: true }), 'must be an address'),
  createdAt: z.number().int().nonnegative(),
};
const nodeKeyFileSchema = z.discriminatedUnion('keychain', [
  z.strictObject({ ...common, keychain: z.literal('none'), privateKey: z.string().regex(PRIVATE_KEY) }),
  z.strictObject({ ...common, keychain: z.literal('os'), wrapped: z.base64().min(1) }),
]);
type NodeKeyFile = z.output<typeof nodeKeyFileSchema>;

export class NodeKeyError extends Error {
  override name = 'NodeKeyError';
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.file = file;
  }
}

const LEFT_ALONE = 'It was not modified; move it aside to make a new node key (the network will then know this machine as a new node).';

/** The node key from `<dataDir>/node-key.json`, created there on first use. */
export async function loadOrCreateNodeKey(options: { dataDir: string; keyWrap?: KeyWrap; now?: () => number }): Promise<LocalAccount> {
  const file = join(options.dataDir, NODE_KEY_FILE);
  const existing = await readNodeKey(file, options.keyWrap);
  if (existing) return existing;
  const privateKey = generatePrivateKey();
  const account = privateKeyToAccount(privateKey);
  const base = { format: FORMAT, version: VERSION, address: account.address, createdAt: (options.now ?? Date.now)() } as const;
  const record: NodeKeyFile =
    options.keyWrap?.kind === 'os'
      ? { ...base, keychain: 'os', wrapped: Buffer.from(await options.keyWrap.wrap(privateKey)).toString('base64') }
      : { ...base, keychain: 'none', privateKey };
  try {
    await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`, { replace: false });
  } catch (error) {
    // Another start made one between our read and our write: theirs is the key.
    if (error instanceof ExistsError) {
      const theirs = await readNodeKey(file, options.keyWrap);
      if (theirs) return theirs;
    }
    throw new NodeKeyError(file, `The node key file ${file} could not be written (${codeOf(error)}).`, { cause: error });
  }
  return account;
}

async function readNodeKey(file: string, keyWrap: KeyWrap | undefined): Promise<LocalAccount | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return null;
    throw new NodeKeyError(file, `The node key file ${file} cannot be read (${codeOf(error)}). ${LEFT_ALONE}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw damaged(file, 'it is not valid JSON');
  }
  const parsed = nodeKeyFileSchema.safeParse(raw);
  // Only the path of the problem: zod's messages may quote the file's content, which holds the key.
  if (!parsed.success) throw damaged(file, `unexpected content at ${parsed.error.issues[0]?.path.join('.') || 'top level'}`);
  const record = parsed.data;
  let privateKey: string;
  if (record.keychain === 'none') privateKey = record.privateKey;
  else {
    if (keyWrap?.kind !== 'os') {
      throw new NodeKeyError(file, `The node key file ${file} is locked by the OS keychain, which is not available here (${keyWrap?.description ?? 'headless mode'}). ${LEFT_ALONE}`);
    }
    try {
      privateKey = await keyWrap.unwrap(Buffer.from(record.wrapped, 'base64'));
    } catch (error) {
      throw new NodeKeyError(file, `The OS keychain could not unlock the node key file ${file}. ${LEFT_ALONE}`, { cause: error });
    }
    if (!PRIVATE_KEY.test(privateKey)) throw damaged(file, 'the keychain returned something that is not a key');
  }
  const account = privateKeyToAccount(privateKey as `0x${string}`);
  if (getAddress(record.address) !== account.address) throw damaged(file, 'its address does not match its key');
  return account;
}

function damaged(file: string, what: string): NodeKeyError {
  return new NodeKeyError(file, `The node key file ${file} is damaged (${what}). ${LEFT_ALONE}`);
}

function codeOf(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unknown error';
}
