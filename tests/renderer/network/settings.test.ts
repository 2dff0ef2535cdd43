import { describe, expect, it } from 'vitest';
import { checkJobRate, checkNetworkUrl } from '../../../renderer/src/pages/settings/network-url.ts';

describe('checkNetworkUrl', () => {
  it('takes empty as the embedded local network', () => {
    expect(checkNetworkUrl('  ')).toEqual({ ok: true, value: null });
  });

  it('accepts an http(s) URL, warning about plain http beyond this machine', () => {
    expect(checkNetworkUrl(' https://net.example.org ')).toEqual({ ok: true, value: 'https://net.example.org' });
    expect(checkNetworkUrl('http://127.0.0.1:4001')).toEqual({ ok: true, value: 'http://127.0.0.1:4001' });
    expect(checkNetworkUrl('http://net.example.org')).toMatchObject({ ok: true, warning: expect.stringContaining('not encrypted') as unknown });
  });

  it('refuses what is not a full http(s) URL', () => {
    expect(checkNetworkUrl('net.example.org')).toMatchObject({ ok: false });
    expect(checkNetworkUrl('ftp://net.example.org')).toMatchObject({ ok: false });
    expect(checkNetworkUrl(`https://x.org/${'a'.repeat(2048)}`)).toMatchObject({ ok: false, message: expect.stringContaining('2048') as unknown });
  });
});

describe('checkJobRate', () => {
  it('reads plain decimals, with a comma as well', () => {
    expect(checkJobRate('2')).toEqual({ ok: true, value: 2 });
    expect(checkJobRate('0,5')).toEqual({ ok: true, value: 0.5 });
  });

  it("explains the range in the settings' own words", () => {
    expect(checkJobRate('0.01')).toEqual({ ok: false, message: 'The rate must be at least 0.1 jobs per second.' });
    expect(checkJobRate('250')).toEqual({ ok: false, message: 'The rate must be at most 100 jobs per second.' });
  });

  it('refuses what is not a number', () => {
    expect(checkJobRate('')).toMatchObject({ ok: false });
    expect(checkJobRate('-1')).toMatchObject({ ok: false });
    expect(checkJobRate('1e3')).toMatchObject({ ok: false });
  });
});
