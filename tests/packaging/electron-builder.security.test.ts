import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
// electron-builder's own loader and schema validator (app-builder-lib, which electron-builder uses).
const requireFromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
const { getConfig, validateConfiguration } = requireFromBuilder('app-builder-lib/out/util/config/config') as {
  getConfig: (projectDir: string, configPath: string | null, fromOptions: null) => Promise<Record<string, unknown>>;
  validateConfiguration: (config: Record<string, unknown>, logger: unknown) => Promise<void>;
};
const { DebugLogger } = requireFromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

const load = () => getConfig(root, join(root, 'electron-builder.yml'), null);

describe('packaging (electron-builder.yml)', () => {
  it('is a configuration electron-builder accepts (its schema: a misspelt fuse or option fails here)', async () => {
    await expect(validateConfiguration(await load(), new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('would reject a misspelt fuse — so the check above can fail', async () => {
    const config = await load();
    const broken = { ...config, electronFuses: { ...(config.electronFuses as object), runAsNodeTypo: false } };
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/Invalid configuration object[\s\S]*electronFuses/);
  });

  it('flips every fuse that closes a way around the app’s own code', async () => {
    expect((await load()).electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('ships the built app in an asar archive, without sources or source maps', async () => {
    const config = await load();
    expect(config.asar).toBe(true);
    expect(config.files).toEqual([
      { filter: ['dist/**', 'package.json', 'resources/contracts/*.json', 'resources/devnet/**/*.png', 'resources/devnet/**/*.json', '!**/*.map'] },
    ]);
  });
});
