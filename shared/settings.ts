import { z } from 'zod';
import { chainPresets } from './wallet.ts';

/** Control characters (C0, DEL, C1: Unicode category Cc) never belong in a name shown to people. */
const CONTROL_CHARS = /\p{Cc}/u;
/** Bidirectional controls can make a name read as something else ("Trojan Source"). */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

export const nodeNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .refine((name) => !CONTROL_CHARS.test(name), 'must not contain control characters')
  .refine((name) => !BIDI_CONTROLS.test(name), 'must not contain text-direction control characters');

export const themeSchema = z.enum(['system', 'light', 'dark']);

/** Every user setting, with its default. The store keeps one row per key. */
export const settingsSchema = z.object({
  /** The name this node shows in the app and announces to the network. */
  nodeName: nodeNameSchema,
  /** Colour theme; `system` follows the OS. */
  theme: themeSchema,
  /** Start paused instead of running when Hearth starts. */
  startPaused: z.boolean(),
  /** The chain the wallet works on: the embedded local chain, a preset, or `custom` (rpcUrl + customChainId). */
  chain: z.enum(chainPresets),
  /** An RPC endpoint of your own (for `custom`, or instead of a preset's public one); null = the preset's. */
  rpcUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2048)
    .nullable(),
  customChainId: z.number().int().positive().max(2 ** 53 - 1).nullable(),
  /**
   * The network to work for: its http(s) URL (where /.well-known/hearth-network.json is served), or null for the
   * embedded local network on this machine.
   */
  networkUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2048)
    .nullable(),
  /** Jobs per second the embedded local network's demo workload sends. */
  localJobRate: z.number().min(0.1, 'must be at least 0.1 jobs per second').max(100, 'must be at most 100 jobs per second'),
  /** Claim by itself once the unclaimed amount reaches `autoClaimThreshold` (base units of the payment token). */
  autoClaim: z.boolean(),
  autoClaimThreshold: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,77})$/, 'must be a whole number of base units, in decimal')
    .refine((value) => value !== '0', 'must be more than zero (turn auto-claim off instead)'),
});
export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

export const defaultSettings: Settings = {
  nodeName: 'My Hearth node',
  theme: 'system',
  startPaused: false,
  chain: 'local',
  rpcUrl: null,
  customChainId: null,
  networkUrl: null,
  // About what one CPU core keeps up with for the default mix, so a fresh node is busy without being swamped.
  localJobRate: 2,
  autoClaim: true,
  // 5 units of a 6-decimal token (USDC-like): small enough to get paid often, large enough that gas stays a small share.
  autoClaimThreshold: '5000000',
};

/** A partial update: at least one known key, nothing else. */
export const settingsPatchSchema = settingsSchema
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one setting to change');
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Checks across settings, made on the result of a change (a patch alone cannot tell). */
export function settingsProblems(settings: Settings): string[] {
  const problems: string[] = [];
  if (settings.chain === 'custom' && (settings.rpcUrl === null || settings.customChainId === null)) {
    problems.push('chain: a custom chain needs rpcUrl and customChainId');
  }
  return problems;
}
