import { describe, expect, it } from 'vitest';
import { defaultSettings, settingsPatchSchema, settingsSchema } from '../../shared/settings.ts';

describe('settings schema', () => {
  it('accepts the defaults', () => {
    expect(settingsSchema.parse(defaultSettings)).toEqual(defaultSettings);
  });

  it('accepts names in any script, with emoji', () => {
    for (const name of ['Dachboden-PC', 'ゲーミングPC', 'שרת בבית', '🔥 rig 👩‍💻']) expect(settingsPatchSchema.parse({ nodeName: name })).toEqual({ nodeName: name });
  });

  it('trims the node name', () => {
    expect(settingsPatchSchema.parse({ nodeName: '  Rig 3  ' })).toEqual({ nodeName: 'Rig 3' });
  });

  it.each([
    [{ nodeName: '' }, 'nodeName: must not be empty'],
    [{ nodeName: '   ' }, 'nodeName: must not be empty'],
    [{ nodeName: 'x'.repeat(65) }, 'nodeName: must be at most 64 characters'],
    [{ nodeName: 'bad\u0007bell' }, 'nodeName: must not contain control characters'],
    [{ nodeName: 'rig\u202Egnp.exe' }, 'nodeName: must not contain text-direction control characters'],
    [{ theme: 'sepia' }, 'theme'],
    [{ startPaused: 'yes' }, 'startPaused'],
    [{ nodeName: 'ok', colour: 'red' }, 'colour'],
    [{}, 'name at least one setting'],
  ])('rejects %j', (patch, message) => {
    const result = settingsPatchSchema.safeParse(patch);
    expect(result.success).toBe(false);
    const text = result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n') ?? '';
    expect(text).toContain(message);
  });
});
