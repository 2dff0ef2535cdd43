import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onBatteryFrom, readOnBattery, type PowerSupply } from '../../../../main/policy/sources/linux-power.ts';
import { TemperatureReader } from '../../../../main/policy/sources/linux-thermal.ts';
import { mergeTemperatures } from '../../../../main/policy/sources/linux.ts';
import { fixtures, tree, write } from './trees.ts';

const T0 = Date.parse('2026-03-23T12:00:00Z');
const at = (name: string): string => join(fixtures, name);

describe('power source', () => {
  it.each<[string, boolean | 'unknown', string]>([
    ['laptop-battery', true, 'charger unplugged, battery discharging (a mouse battery ignored)'],
    ['laptop-charging', false, 'USB-C charger online, battery charging'],
    ['desktop', false, 'only a wireless mouse has a battery'],
    ['thermal-only', false, 'no power-supply class at all'],
    ['unreadable', 'unknown', 'power_supply is not a directory'],
    ['no-such-root', 'unknown', 'no /sys'],
  ])('%s → %s (%s)', (fixture, expected, _why) => {
    expect(readOnBattery(at(fixture))).toBe(expected);
  });

  it('an empty power-supply directory is a desktop: false, not unknown', () => {
    const root = tree({ 'sys/class/power_supply/x': null });
    expect(readOnBattery(root)).toBe(false);
  });

  const supply = (patch: Partial<PowerSupply>): PowerSupply => ({ name: 'X', type: null, online: null, status: null, scope: null, present: null, ...patch });
  const bat = (status: string | null): PowerSupply => supply({ name: 'BAT0', type: 'Battery', status, present: 1 });
  const ac = (online: number | null): PowerSupply => supply({ name: 'AC', type: 'Mains', online });

  it.each<[string, PowerSupply[], boolean | 'unknown']>([
    ['plugged in under load (discharging anyway)', [ac(1), bat('Discharging')], false],
    ['charge limit reached', [bat('Not charging')], false],
    ['full, no charger entry', [bat('Full')], false],
    ['status unknown, charger unplugged', [ac(0), bat('Unknown')], true],
    ['status unreadable, charger unreadable', [ac(null), bat(null)], 'unknown'],
    ['status unreadable, no charger entry', [bat(null)], 'unknown'],
    ['a battery slot left empty', [supply({ type: 'Battery', present: 0, status: 'Unknown' })], false],
    ['an entry whose type is unreadable', [supply({ name: 'weird' })], 'unknown'],
    ['a headset discharging', [supply({ type: 'Battery', scope: 'Device', status: 'Discharging' })], false],
    ['two batteries, one discharging', [bat('Full'), { ...bat('Discharging'), name: 'BAT1' }], true],
  ])('%s', (_case, supplies, expected) => {
    expect(onBatteryFrom(supplies)).toBe(expected);
  });
});

describe('temperatures', () => {
  it('k10temp Tdie rather than Tctl, amdgpu edge rather than junction; nvme ignored', () => {
    expect(new TemperatureReader(at('desktop')).read(T0)).toEqual({ cpu: 64.25, gpu: 58 });
  });

  it('does not wake a sleeping dGPU to read it', () => {
    expect(new TemperatureReader(at('laptop-battery')).read(T0)).toEqual({ cpu: 71 });
  });

  it('falls back to thermal zones (x86_pkg_temp; not acpitz)', () => {
    expect(new TemperatureReader(at('thermal-only')).read(T0)).toEqual({ cpu: 55 });
  });

  it("absent fields when there is no sensor; 'unknown' when /sys cannot be read", () => {
    expect(new TemperatureReader(tree({ 'sys/class/hwmon/hwmon0/name': 'nvme\n', 'sys/class/hwmon/hwmon0/temp1_input': '40000\n' })).read(T0)).toEqual({});
    expect(new TemperatureReader(at('unreadable')).read(T0)).toBe('unknown');
    expect(new TemperatureReader(at('no-such-root')).read(T0)).toBe('unknown');
  });

  it('takes Tctl where there is no Tdie, the hottest across devices, and skips error values', () => {
    const root = tree({
      'sys/class/hwmon/hwmon0/name': 'k10temp\n',
      'sys/class/hwmon/hwmon0/temp1_input': '70500\n',
      'sys/class/hwmon/hwmon0/temp1_label': 'Tctl\n',
      'sys/class/hwmon/hwmon0/temp3_input': '66000\n',
      'sys/class/hwmon/hwmon0/temp3_label': 'Tccd1\n',
      'sys/class/hwmon/hwmon1/name': 'amdgpu\n',
      'sys/class/hwmon/hwmon1/temp1_input': '48000\n',
      'sys/class/hwmon/hwmon2/name': 'amdgpu\n',
      'sys/class/hwmon/hwmon2/temp1_input': '-273000\n',
      'sys/class/hwmon/hwmon3/name': 'radeon\n',
      // Old kernels: attributes under device/.
      'sys/class/hwmon/hwmon3/device/temp1_input': '52000\n',
    });
    expect(new TemperatureReader(root).read(T0)).toEqual({ cpu: 70.5, gpu: 52 });
  });

  it('reads only the values each pass, and looks for sensors again a minute later', () => {
    const root = tree({ 'sys/class/hwmon/hwmon0/name': 'coretemp\n', 'sys/class/hwmon/hwmon0/temp1_input': '60000\n' });
    const reader = new TemperatureReader(root);
    expect(reader.read(T0)).toEqual({ cpu: 60 });
    write(root, { 'sys/class/hwmon/hwmon0/temp1_input': '61000\n', 'sys/class/hwmon/hwmon1/name': 'nouveau\n', 'sys/class/hwmon/hwmon1/temp1_input': '45000\n' });
    expect(reader.read(T0 + 1000)).toEqual({ cpu: 61 });
    expect(reader.read(T0 + 60_000)).toEqual({ cpu: 61, gpu: 45 });
  });

  it("merges NVIDIA's reading into gpu", () => {
    expect(mergeTemperatures({ cpu: 60, gpu: 50 }, 71)).toEqual({ cpu: 60, gpu: 71 });
    expect(mergeTemperatures({ cpu: 60, gpu: 80 }, 71)).toEqual({ cpu: 60, gpu: 80 });
    expect(mergeTemperatures({ cpu: 60 }, 71)).toEqual({ cpu: 60, gpu: 71 });
    expect(mergeTemperatures('unknown', 71)).toEqual({ gpu: 71 });
    expect(mergeTemperatures('unknown', null)).toBe('unknown');
  });
});
