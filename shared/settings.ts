import { z } from 'zod';

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
});
export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

export const defaultSettings: Settings = {
  nodeName: 'My Hearth node',
  theme: 'system',
  startPaused: false,
};

/** A partial update: at least one known key, nothing else. */
export const settingsPatchSchema = settingsSchema
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one setting to change');
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
