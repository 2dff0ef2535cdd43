import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicClient, createWalletClient, getContractAddress, isAddressEqual, parseEther, type LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { z } from 'zod';
import { escrowAbi, testTokenAbi } from '../../shared/contracts.ts';
import { addressSchema, type Address, type Hex } from '../../shared/voucher.ts';
import { setNativeBalance, startEmbeddedChain, type EmbeddedChain } from './chain.ts';
import { contractBytecode } from './deploy.ts';
import { writeFileAtomic } from '../wallet/atomic-file.ts';

/** The local network's payment side: its chain, escrow, token and payer. */
export interface LocalPayments {
  chain: EmbeddedChain;
  escrow: Address;
  token: Address;
  tokenSymbol: string;
  tokenDecimals: number;
  payer: LocalAccount;
  /** Gives an address native coin for gas (the local chain's faucet). */
  fund(address: Address): Promise<void>;
  close(): Promise<void>;
}

const TOKEN_UNIT = 1_000_000n;
/** What the payer keeps in escrow: plenty for a local network's demo workload. */
const PAYER_DEPOSIT = 1_000_000n * TOKEN_UNIT;
const FAUCET_AMOUNT = parseEther('1');
const SETUP_GAS_MONEY = parseEther('100');
/** A day: long enough that a provider sees an announced withdrawal coming and claims first. */
const WITHDRAWAL_DELAY_SECONDS = 86_400n;

/** Files in <dataDir>/devnet/. */
const KEYS_FILE = 'keys.json';
const JOURNAL_FILE = 'chain.jsonl';
const CONTRACTS_FILE = 'contracts.json';

const privateKey = z.string().regex(/^0x[0-9a-f]{64}$/);
const keysSchema = z.object({ deployer: privateKey, payer: privateKey });
const contractsSchema = z.object({ chainId: z.number().int().positive(), escrow: addressSchema, token: addressSchema });

interface Keys {
  deployer: LocalAccount;
  payer: LocalAccount;
}

/**
 * Starts the embedded chain from its journal (<dataDir>/devnet/chain.jsonl).
 * The first time, it deploys the test token and the escrow and has the payer
 * deposit, then records the addresses in contracts.json; later starts find
 * them there, and the contracts with their balances and claims in the chain.
 */
export async function startLocalPayments(options: { dataDir: string }): Promise<LocalPayments> {
  const dir = join(options.dataDir, 'devnet');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const chain = await startEmbeddedChain({ journal: join(dir, JOURNAL_FILE) });
  try {
    const client = createPublicClient({ chain: chain.viemChain, transport: chain.transport });
    const saved = readJson(join(dir, CONTRACTS_FILE), contractsSchema);
    let keys: Keys;
    let contracts: { escrow: Address; token: Address };
    if (saved) {
      keys = loadKeys(dir) ?? fail(`${join(dir, KEYS_FILE)} is missing: the local network's payer is gone. Move ${dir} aside to start a new local network.`);
      await checkDeployed(chain, saved, dir);
      contracts = saved;
    } else {
      // No contracts.json: a first start, or one that was killed before it finished (it writes the file last).
      // A chain without blocks gets new keys, so its contracts get new addresses: an escrow at an address that
      // held one before (a lost or reset journal, or a data dir from before the journal) would honour the
      // vouchers signed for the old one and pay them again. Otherwise the setup resumes with the keys it began with.
      keys = (await client.getBlockNumber()) === 0n ? await newKeys(dir) : (loadKeys(dir) ?? fail(`${join(dir, KEYS_FILE)} is missing, but ${join(dir, JOURNAL_FILE)} has blocks. Move ${dir} aside to start a new local network.`));
      contracts = await setUp(chain, keys);
      // Last: the deployment and the deposit are in the journal by now (each send returns once it is on disk).
      await writeFileAtomic(join(dir, CONTRACTS_FILE), JSON.stringify({ chainId: chain.chainId, ...contracts }), { replace: true });
    }
    return {
      chain,
      escrow: contracts.escrow,
      token: contracts.token,
      tokenSymbol: 'tUSD',
      tokenDecimals: 6,
      payer: keys.payer,
      async fund(address) {
        const balance = await client.getBalance({ address });
        if (balance < FAUCET_AMOUNT / 10n) await setNativeBalance(chain, address, FAUCET_AMOUNT);
      },
      close: () => chain.close(),
    };
  } catch (error) {
    await chain.close();
    throw error;
  }
}

function fail(message: string): never {
  throw new Error(message);
}

function readJson<T>(file: string, schema: z.ZodType<T>): T | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`${file} is not valid: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/**
 * The local network's own keys (deployer and payer), kept in the data dir
 * next to the chain they belong to. They hold only test tokens on a chain that
 * exists on this machine alone.
 */
function loadKeys(dir: string): Keys | undefined {
  const keys = readJson(join(dir, KEYS_FILE), keysSchema);
  return keys && { deployer: privateKeyToAccount(keys.deployer as Hex), payer: privateKeyToAccount(keys.payer as Hex) };
}

async function newKeys(dir: string): Promise<Keys> {
  const keys = { deployer: generatePrivateKey(), payer: generatePrivateKey() };
  // On disk before anything they sign can be in the journal.
  await writeFileAtomic(join(dir, KEYS_FILE), JSON.stringify(keys), { replace: true });
  return { deployer: privateKeyToAccount(keys.deployer), payer: privateKeyToAccount(keys.payer) };
}

/** contracts.json's contracts must be in the chain; if not, its journal is not the one they were deployed in. */
async function checkDeployed(chain: EmbeddedChain, saved: z.infer<typeof contractsSchema>, dir: string): Promise<void> {
  const client = createPublicClient({ chain: chain.viemChain, transport: chain.transport });
  const problem =
    saved.chainId !== chain.chainId
      ? `is for chain ${saved.chainId}, not ${chain.chainId}`
      : (await client.getCode({ address: saved.escrow })) === undefined
        ? `names the escrow ${saved.escrow}, but the local chain has no contract there`
        : (await client.getCode({ address: saved.token })) === undefined
          ? `names the token ${saved.token}, but the local chain has no contract there`
          : !isAddressEqual(await client.readContract({ address: saved.escrow, abi: escrowAbi, functionName: 'token' }), saved.token)
            ? `names the token ${saved.token}, but the escrow holds another`
            : undefined;
  if (problem) {
    throw new Error(
      `${join(dir, CONTRACTS_FILE)} ${problem}: ${join(dir, JOURNAL_FILE)} is not the chain they were deployed in (missing, reset or replaced). ` +
        `Not starting over: a new escrow at that address would pay old vouchers again. Move ${dir} aside to start a new local network.`,
    );
  }
}

/**
 * Deploys the token and the escrow and has the payer deposit. Each step is the
 * deployer's or the payer's next transaction (nonces 0 and 1 each), so after a
 * kill the steps already in the chain are skipped by nonce, never repeated:
 * no second deployment, no second deposit.
 */
async function setUp(chain: EmbeddedChain, { deployer, payer }: Keys): Promise<{ escrow: Address; token: Address }> {
  const client = createPublicClient({ chain: chain.viemChain, transport: chain.transport });
  const token = getContractAddress({ from: deployer.address, nonce: 0n });
  const escrow = getContractAddress({ from: deployer.address, nonce: 1n });
  const mined = async (what: string, hash: Hex): Promise<void> => {
    const receipt = await client.waitForTransactionReceipt({ hash, timeout: 10_000 });
    if (receipt.status !== 'success') throw new Error(`setting up the local network: ${what} failed`);
  };
  const gasMoney = async (account: LocalAccount): Promise<void> => {
    if ((await client.getBalance({ address: account.address })) < SETUP_GAS_MONEY / 100n) await setNativeBalance(chain, account.address, SETUP_GAS_MONEY);
  };

  const deployerWallet = createWalletClient({ chain: chain.viemChain, transport: chain.transport, account: deployer });
  const deployed = await client.getTransactionCount({ address: deployer.address });
  if (deployed < 2) await gasMoney(deployer);
  if (deployed < 1) {
    const hash = await deployerWallet.deployContract({ abi: testTokenAbi, bytecode: contractBytecode('HearthTestToken'), args: [payer.address, PAYER_DEPOSIT], nonce: 0 });
    await mined('deploying HearthTestToken', hash);
  }
  if (deployed < 2) {
    const hash = await deployerWallet.deployContract({ abi: escrowAbi, bytecode: contractBytecode('HearthEscrow'), args: [token, WITHDRAWAL_DELAY_SECONDS], nonce: 1 });
    await mined('deploying HearthEscrow', hash);
  }

  const payerWallet = createWalletClient({ chain: chain.viemChain, transport: chain.transport, account: payer });
  const paid = await client.getTransactionCount({ address: payer.address });
  if (paid < 2) await gasMoney(payer);
  if (paid < 1) {
    await mined('approving the deposit', await payerWallet.writeContract({ address: token, abi: testTokenAbi, functionName: 'approve', args: [escrow, PAYER_DEPOSIT], nonce: 0 }));
  }
  if (paid < 2) {
    await mined('the payer\'s deposit', await payerWallet.writeContract({ address: escrow, abi: escrowAbi, functionName: 'deposit', args: [PAYER_DEPOSIT], nonce: 1 }));
  }
  return { escrow, token };
}
