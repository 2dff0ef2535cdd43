import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandRunner } from '../../../../main/policy/sources/commands.ts';
import {
  GpuProbe,
  NVIDIA_SMI_APPS_ARGS,
  NVIDIA_SMI_TEMP_ARGS,
  parseComputeApps,
  parseDrmFdinfo,
  parseNvidiaTemperatures,
} from '../../../../main/policy/sources/linux-gpu.ts';
import { ProcessTable } from '../../../../main/policy/sources/linux-processes.ts';
import { fixtures, statLine, tree, write } from './trees.ts';

const T0 = Date.parse('2026-03-23T12:00:00Z');

/** A fake nvidia-smi: answers per query, records calls. */
function fakeSmi(apps: string | Error, temps: string | Error = '67\n'): { run: CommandRunner; calls: string[][] } {
  const calls: string[][] = [];
  const run: CommandRunner = (file, args) => {
    calls.push([file, ...args]);
    const answer = args[0] === NVIDIA_SMI_APPS_ARGS[0] ? apps : args[0] === NVIDIA_SMI_TEMP_ARGS[0] ? temps : new Error(`unexpected ${args.join(' ')}`);
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  return { run, calls };
}

/** A probe over `root` on a clock the test moves, with its process table; `read` scans then probes, like the source. */
function setup(root: string, options: { run?: CommandRunner; smi?: boolean } = {}) {
  let now = T0;
  const table = new ProcessTable({ root });
  const probe = new GpuProbe({
    root,
    run: options.run ?? fakeSmi('').run,
    find: (name) => (name === 'nvidia-smi' && options.smi !== false ? '/usr/bin/nvidia-smi' : null),
    clock: () => now,
  });
  return {
    read: async (at: number) => {
      now = at;
      table.scan(now, new Set());
      return probe.read(now, table);
    },
  };
}

const AMDGPU_INFO = (compute: number, gfx = 1000): string =>
  `pos:\t0\nflags:\t02100002\nmnt_id:\t25\nino:\t1120\ndrm-driver:\tamdgpu\ndrm-client-id:\t41\ndrm-pdev:\t0000:03:00.0\ndrm-engine-gfx:\t${gfx} ns\ndrm-engine-compute:\t${compute} ns\n`;

describe('parsing driver output', () => {
  it('reads nvidia-smi compute apps, skipping anything else', () => {
    expect(parseComputeApps('4242, /usr/bin/python3.12\n 4300 , [Not Found]\nNo running processes found\n\n')).toEqual([
      { pid: 4242, name: '/usr/bin/python3.12' },
      { pid: 4300, name: '[Not Found]' },
    ]);
    expect(parseComputeApps('')).toEqual([]);
  });

  it('reads nvidia-smi temperatures: the hottest GPU', () => {
    expect(parseNvidiaTemperatures('45\n71\n')).toBe(71);
    expect(parseNvidiaTemperatures('[N/A]\n')).toBeNull();
  });

  it('reads DRM fdinfo (amdgpu, i915, xe keys; capacity lines are not time)', () => {
    expect(parseDrmFdinfo(AMDGPU_INFO(5000))).toEqual({ driver: 'amdgpu', clientId: '41', compute: 5000 });
    expect(parseDrmFdinfo('drm-driver:\ti915\ndrm-client-id:\t7\ndrm-engine-render:\t9 ns\ndrm-engine-compute:\t12 ns\ndrm-engine-capacity-compute:\t4\n')).toEqual({
      driver: 'i915',
      clientId: '7',
      compute: 12,
    });
    expect(parseDrmFdinfo('drm-driver:\txe\ndrm-client-id:\t3\ndrm-cycles-rcs:\t10\ndrm-cycles-ccs:\t777\ndrm-total-cycles-ccs:\t99999\n').compute).toBe(777);
    expect(parseDrmFdinfo('pos:\t0\nflags:\t02\n')).toEqual({ driver: null, clientId: null, compute: null });
  });
});

describe('GPU users', () => {
  it('AMD: ROCm processes from KFD, named from the process table', async () => {
    const { read } = setup(join(fixtures, 'desktop'));
    expect((await read(T0)).users).toEqual([{ pid: 1700, name: 'python3.12' }]);
  });

  it('AMD without KFD: a DRM client whose compute time grows between probes; drawing alone does not count', async () => {
    const root = tree({ 'sys/class/kfd': null }, 'desktop');
    const { read } = setup(root);
    expect((await read(T0)).users).toEqual([]); // a first probe has no counter to compare with
    write(root, { 'proc/1700/fdinfo/3': AMDGPU_INFO(6_000_000) });
    expect((await read(T0 + 1000)).users).toEqual([]); // between probes: the last answer
    expect((await read(T0 + 6000)).users).toEqual([{ pid: 1700, name: 'python3.12' }]);
    expect((await read(T0 + 12_000)).users).toEqual([]); // stopped computing
    // The compositor draws (gfx grows), computes nothing.
    const drawing = 'drm-driver:\tamdgpu\ndrm-client-id:\t7\ndrm-engine-gfx:\t999999999999 ns\n';
    write(root, { 'proc/1800/fdinfo/12': drawing, 'proc/1800/fdinfo/13': drawing });
    expect((await read(T0 + 18_000)).users).toEqual([]);
  });

  it('finds a DRM compute client that opened the GPU after it started', async () => {
    const root = tree({ 'sys/class/kfd': null, 'proc/1600/fdinfo/7': AMDGPU_INFO(10, 0) }, 'desktop');
    const { read } = setup(root);
    await read(T0);
    write(root, { 'proc/1600/fd/7': { link: '/dev/dri/renderD128' } });
    await read(T0 + 6000);
    write(root, { 'proc/1600/fdinfo/7': AMDGPU_INFO(50_000, 0) });
    expect((await read(T0 + 12_000)).users).toEqual([{ pid: 1600, name: 'python3.12' }]);
  });

  it('a long-running process that opens the GPU late is found at its next fd listing (every 2.5–5 min)', async () => {
    // Up 10 000 s: every fixture process started long ago.
    const root = tree({ 'sys/class/kfd': null, 'proc/uptime': '10000.00 1.00\n', 'proc/1600/fdinfo/7': AMDGPU_INFO(10, 0) }, 'desktop');
    const { read } = setup(root);
    await read(T0);
    write(root, { 'proc/1600/fd/7': { link: '/dev/dri/renderD128' } });
    await read(T0 + 6000);
    write(root, { 'proc/1600/fdinfo/7': AMDGPU_INFO(50_000, 0) });
    expect((await read(T0 + 12_000)).users).toEqual([]);
    await read(T0 + 160_000); // pid 1600: listed again after 150 s
    write(root, { 'proc/1600/fdinfo/7': AMDGPU_INFO(90_000, 0) });
    expect((await read(T0 + 166_000)).users).toEqual([{ pid: 1600, name: 'python3.12' }]);
  });

  it("'unknown' where the kernel's fdinfo has no DRM statistics", async () => {
    const root = tree({ 'sys/class/kfd': null, 'proc/1800/fdinfo/12': 'pos:\t0\nflags:\t02\n' }, 'desktop');
    expect((await setup(root).read(T0)).users).toBe('unknown');
  });

  it("Intel iGPU: compute shares the render engine with games and the desktop, so 'unknown'; Arc (a compute engine): watched", async () => {
    const client = (engines: string): Record<string, string | { link: string }> => ({
      'sys/class/drm/card0/device/driver': { link: '../../../../bus/pci/drivers/i915' },
      'proc/100/stat': statLine(100, 'kwin_wayland'),
      'proc/100/exe': { link: '/usr/bin/kwin_wayland' },
      'proc/100/fd/9': { link: '/dev/dri/card0' },
      'proc/100/fdinfo/9': `drm-driver:\ti915\ndrm-client-id:\t4\n${engines}`,
    });
    expect((await setup(tree(client('drm-engine-render:\t100 ns\ndrm-engine-copy:\t0 ns\n'))).read(T0)).users).toBe('unknown');
    expect((await setup(tree(client('drm-engine-render:\t100 ns\ndrm-engine-compute:\t0 ns\n'))).read(T0)).users).toEqual([]);
    // Nobody holds the iGPU open: nobody computes on it.
    expect((await setup(tree({ ...client(''), 'proc/100/fd/9': null })).read(T0)).users).toEqual([]);
  });

  it('NVIDIA: nvidia-smi compute apps, named as Hearth knows them (Proton games by their .exe); temperature too; at most every 5 s', async () => {
    const smi = fakeSmi('4242, /usr/bin/python3.12\n4300, /opt/proton/files/bin/wine64-preloader\n5555, [Not Found]\n');
    const { read } = setup(join(fixtures, 'nvidia'), { run: smi.run });
    const reading = await read(T0);
    expect(reading).toEqual({
      users: [
        { pid: 4242, name: 'python3.12' },
        { pid: 4300, name: 'eldenring.exe' },
        { pid: 5555, name: 'process 5555' },
      ],
      nvidiaCelsius: 67,
    });
    expect(smi.calls).toEqual([
      ['/usr/bin/nvidia-smi', ...NVIDIA_SMI_APPS_ARGS],
      ['/usr/bin/nvidia-smi', ...NVIDIA_SMI_TEMP_ARGS],
    ]);
    await read(T0 + 1000);
    await read(T0 + 4000);
    expect(smi.calls).toHaveLength(2);
    await read(T0 + 5000);
    expect(smi.calls).toHaveLength(3); // the list again; the temperature every 15 s
    await read(T0 + 15_000);
    expect(smi.calls).toHaveLength(5);
  });

  it("NVIDIA: nvidia-smi missing, failing or timing out → 'unknown'", async () => {
    expect((await setup(join(fixtures, 'nvidia'), { smi: false }).read(T0)).users).toBe('unknown');
    expect((await setup(join(fixtures, 'nvidia'), { run: fakeSmi(new Error('timed out')).run }).read(T0)).users).toBe('unknown');
    expect(await setup(join(fixtures, 'nvidia'), { run: fakeSmi('', new Error('NVML')).run }).read(T0)).toEqual({ users: [], nvidiaCelsius: null });
  });

  it('NVIDIA asleep (a laptop dGPU in runtime suspend): nobody computes, and nvidia-smi is not run to wake it', async () => {
    const root = tree({ 'sys/bus/pci/devices/0000:01:00.0/power/runtime_status': 'suspended\n' }, 'nvidia');
    const smi = fakeSmi('4242, python3\n');
    expect(await setup(root, { run: smi.run }).read(T0)).toEqual({ users: [], nvidiaCelsius: null });
    expect(smi.calls).toEqual([]);
  });

  it("a user found on one GPU is reported even if another GPU is blind; none found then is 'unknown'", async () => {
    const blindIntel = {
      'sys/class/drm/card1/device/driver': { link: '../../../../bus/pci/drivers/i915' },
      'proc/100/stat': statLine(100, 'Xorg'),
      'proc/100/exe': { link: '/usr/lib/xorg/Xorg' },
      'proc/100/fd/9': { link: '/dev/dri/card1' },
      'proc/100/fdinfo/9': 'drm-driver:\ti915\ndrm-client-id:\t4\ndrm-engine-render:\t100 ns\n',
    };
    const root = tree(blindIntel, 'nvidia');
    expect((await setup(root, { run: fakeSmi('4242, python3\n').run }).read(T0)).users).toEqual([{ pid: 4242, name: 'python3.12' }]);
    expect((await setup(root, { run: fakeSmi('').run }).read(T0)).users).toBe('unknown');
  });

  it("other drivers (nouveau…) cannot list compute users: 'unknown'; display-only ones and no GPU at all: []", async () => {
    expect((await setup(join(fixtures, 'laptop-battery')).read(T0)).users).toBe('unknown');
    expect((await setup(tree({ 'sys/class/drm/card0/device/driver': { link: '../../../../bus/platform/drivers/simple-framebuffer' } })).read(T0)).users).toEqual([]);
    expect((await setup(join(fixtures, 'thermal-only')).read(T0)).users).toEqual([]);
    expect((await setup(join(fixtures, 'unreadable')).read(T0)).users).toBe('unknown');
    expect((await setup(join(fixtures, 'no-such-root')).read(T0)).users).toBe('unknown');
  });
});
