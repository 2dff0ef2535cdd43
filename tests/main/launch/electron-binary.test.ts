import { describe, expect, it } from 'vitest';
import { summarise } from '../../../main/launch/electron-binary.ts';

describe('summarise (the one line shown when Electron cannot be downloaded)', () => {
  it('keeps the error line, without its class name or the stack', () => {
    expect(summarise('TypeError: fetch failed\n    at node:internal/deps/undici:1:1\n')).toBe('fetch failed');
    expect(summarise('Downloading Electron binary...\nRequestError: getaddrinfo ENOTFOUND github.com\n    at x (y.js:1:1)')).toBe('getaddrinfo ENOTFOUND github.com');
    expect(summarise('HTTPError: Response code 404 (Not Found)')).toBe('Response code 404 (Not Found)');
  });

  it('falls back to a plain phrase when there is nothing to show', () => {
    expect(summarise('')).toBe('the download failed');
  });
});
