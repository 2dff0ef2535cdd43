/**
 * How addresses and hashes are shown. A checksummed address is split into
 * groups of four after the `0x`, so people can compare it a group at a time;
 * the groups are separate elements with a gap (no spaces), so selecting and
 * copying the text still gives the address unchanged.
 */
export function addressGroups(address: string): string[] {
  const body = address.startsWith('0x') ? address.slice(2) : address;
  const groups = ['0x'];
  for (let i = 0; i < body.length; i += 4) groups.push(body.slice(i, i + 4));
  return groups;
}

/** `0x3c52…61c5`: enough to recognise, with the full value in a title and the copy button. */
export function shortHex(hex: string, lead = 6, tail = 4): string {
  return hex.length <= lead + tail + 1 ? hex : `${hex.slice(0, lead)}…${hex.slice(-tail)}`;
}

export { sameAddress } from '../../shared/voucher.ts';

/** An explorer link, only for an https explorer the node named (never a URL built from anything else). */
export function explorerLink(explorerUrl: string | null | undefined, kind: 'tx' | 'address', value: string): string | undefined {
  if (!explorerUrl) return undefined;
  let base: URL;
  try {
    base = new URL(explorerUrl);
  } catch {
    return undefined;
  }
  if (base.protocol !== 'https:') return undefined;
  if (!/^0x[0-9a-fA-F]+$/.test(value)) return undefined;
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}/${kind}/${value}`;
}
