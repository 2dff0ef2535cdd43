import { z } from 'zod';
import {
  ApiError,
  isMethodName,
  methods,
  summariseIssues,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type Reply,
} from '../../shared/api.ts';
import type { Logger } from './log.ts';
import type { ProviderNode } from './provider-node.ts';
import { errorMessage } from '../../shared/errors.ts';
import { WalletError } from '../wallet/errors.ts';
import { PayoutError } from '../wallet/payouts.ts';
import { VoucherRejectedError } from '../wallet/vouchers.ts';

export type Handlers = { [M in MethodName]: (input: MethodInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>> };

/** The contract's methods, implemented by the node. */
export function nodeHandlers(node: ProviderNode): Handlers {
  return {
    'node.status': () => node.status(),
    'node.pause': (input) => node.pause(input ?? {}),
    'node.resume': () => node.resume(),
    'settings.get': () => node.settings(),
    'settings.update': (patch) => node.updateSettings(patch),
    'worker.status': () => node.workerStatus(),
    'limits.get': () => node.limits(),
    'limits.update': (limits) => node.updateLimits(limits),
    'policy.status': () => node.policyStatus(),
    'network.status': () => node.networkStatus(),
    'network.acceptPayer': refusing(() => node.acceptPayerChange()),
    'jobs.list': (input) => node.store.jobs.recent(input?.limit ?? 50, input?.before),
    'jobs.summary': () => node.jobsSummary(),
    ...walletHandlers(node),
  };
}

type WalletMethod = Extract<MethodName, `wallet.${string}`>;

/** The wallet's methods: each failure the user can act on becomes a `refused` reply with its reason. */
function walletHandlers(node: ProviderNode): Pick<Handlers, WalletMethod> {
  const { wallet } = node;
  const keys = wallet.keys;
  return {
    'wallet.status': () => wallet.status(),
    'wallet.create': refusing(async ({ passphrase, words }) => (await keys.create({ passphrase, words }), wallet.status())),
    'wallet.importPhrase': refusing(async ({ phrase, passphrase }) => (await keys.importPhrase({ phrase, passphrase }), wallet.status())),
    'wallet.importKey': refusing(async ({ privateKey, passphrase }) => (await keys.importPrivateKey({ privateKey, passphrase }), wallet.status())),
    'wallet.unlock': refusing(async ({ passphrase }) => (await keys.unlock(passphrase), wallet.status())),
    'wallet.lock': () => (keys.lock(), wallet.status()),
    'wallet.changePassphrase': refusing(async ({ current, next }) => (await keys.changePassphrase(current, next), wallet.status())),
    'wallet.exportPhrase': refusing(async ({ passphrase }) => ({ phrase: await keys.exportPhrase(passphrase) })),
    'wallet.balances': refusing(() => wallet.balances()),
    'wallet.earnings': refusing(() => wallet.earnings()),
    'wallet.transactions': (input) => wallet.transactions(input?.limit ?? 50),
    'wallet.claim': refusing(() => wallet.claim()),
    'wallet.quoteWithdrawal': refusing((input) => wallet.quoteWithdrawal(input)),
    'wallet.withdraw': refusing((input) => wallet.withdraw(input)),
  };
}

/** Errors that are answers (a wrong passphrase, a balance too low), not faults: `refused` with their reason, never logged as failures. */
function refusing<I, O>(handler: (input: I) => O | Promise<O>): (input: I) => Promise<O> {
  return async (input) => {
    try {
      return await handler(input);
    } catch (error) {
      if (error instanceof WalletError) throw new ApiError('refused', error.message, undefined, error.code);
      if (error instanceof PayoutError) throw new ApiError('refused', error.message, undefined, error.reason);
      if (error instanceof VoucherRejectedError) throw new ApiError('refused', error.message, undefined, error.reason);
      throw error;
    }
  };
}

export type Dispatch = (method: unknown, wireInput: unknown) => Promise<Reply>;

/**
 * The one door into the node, shared by every binding (IPC, HTTP): checks the
 * method name, decodes the input with its schema, calls the handler, encodes
 * the output with its schema. Never throws; every failure is a typed reply, and
 * a rejected input reaches no handler, so it changes nothing.
 */
export function createDispatch(handlers: Handlers, logger: Logger): Dispatch {
  return async (method, wireInput) => {
    if (!isMethodName(method)) {
      return fail(new ApiError('unknown_method', `unknown method: ${String(method).slice(0, 100)}`));
    }
    const schema = methods[method];
    const input = z.safeDecode(schema.input as z.ZodType, wireInput);
    if (!input.success) {
      const issues = summariseIssues(input.error);
      return fail(new ApiError('invalid_input', `invalid input for ${method}: ${issues.join('; ')}`, issues));
    }
    let output: unknown;
    try {
      const handler = handlers[method] as (input: unknown) => unknown;
      output = await handler(input.data);
    } catch (error) {
      if (error instanceof ApiError) return fail(error);
      logger.error(`${method} failed`, { error });
      return fail(new ApiError('internal', `${method} failed: ${errorMessage(error)}`));
    }
    const encoded = z.safeEncode(schema.output as z.ZodType, output);
    if (!encoded.success) {
      logger.error(`${method} returned a value outside its contract`, { issues: summariseIssues(encoded.error) });
      return fail(new ApiError('internal', `${method} returned an invalid result`));
    }
    return { ok: true, value: encoded.data };
  };
}

function fail(error: ApiError): Reply {
  return { ok: false, error: error.toShape() };
}
