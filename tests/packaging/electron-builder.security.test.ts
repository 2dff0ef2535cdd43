import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const config = parse(readFileSync(join(import.meta.dirname, '..', '..', 'electron-builder.yml'), 'utf8')) as {
  electronFuses: Record<string, boolean>;
  asar: boolean;
  files: string[];
};

describe('packaging (electron-builder.yml)', () => {
  it('flips the Electron fuses that close ways around the app’s own code', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('ships the built app in an asar archive, without sources or source maps', () => {
    expect(config.asar).toBe(true);
    expect(config.files).toEqual(['dist/**', 'package.json', '!**/*.map']);
  });
});
