import { settingsSchema } from '../../../../shared/settings.ts';
import { sentence } from '../../errors.ts';

export type Checked<T> = { ok: true; value: T; warning?: string } | { ok: false; message: string };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The network URL as typed: empty is the embedded local network (null); else a full http(s) URL, by the settings' schema. */
export function checkNetworkUrl(text: string): Checked<string | null> {
  const url = text.trim();
  if (url === '') return { ok: true, value: null };
  if (url.length > 2048) return { ok: false, message: 'The network URL may be at most 2048 characters.' };
  const parsed = settingsSchema.shape.networkUrl.safeParse(url);
  if (!parsed.success || parsed.data === null) {
    return { ok: false, message: 'The network URL must be a full http:// or https:// address, for example https://network.example.org.' };
  }
  const { protocol, hostname } = new URL(parsed.data);
  if (protocol === 'http:' && !LOOPBACK.has(hostname)) {
    return {
      ok: true,
      value: parsed.data,
      warning: 'This address is not encrypted (http): anything between you and the network can see and alter its jobs and its manifest.',
    };
  }
  return { ok: true, value: parsed.data };
}

/** Jobs per second of the local demo workload, as typed: a plain decimal number in the settings' range. */
export function checkJobRate(text: string): Checked<number> {
  const value = text.trim();
  if (value === '') return { ok: false, message: 'Enter a number of jobs per second.' };
  if (!/^[0-9]+([.,][0-9]+)?$/.test(value)) return { ok: false, message: 'The rate is a number, for example 2 or 0.5.' };
  const parsed = settingsSchema.shape.localJobRate.safeParse(Number(value.replace(',', '.')));
  if (!parsed.success) return { ok: false, message: sentence(`The rate ${parsed.error.issues[0]?.message ?? 'is out of range'}`) };
  return { ok: true, value: parsed.data };
}
