import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgramMatcher } from '../../../../main/policy/detect.ts';
import { parseCmdline, parseStat, processName, ProcessTable } from '../../../../main/policy/sources/linux-processes.ts';
import { fixtures, KERNEL_THREAD_FLAGS, relink, statLine, tree, write } from './trees.ts';

const T0 = Date.parse('2026-03-23T12:00:00Z');
const sorted = (list: readonly string[] | 'unknown'): string[] | 'unknown' => (list === 'unknown' ? list : [...list].sort());

/** What the desktop fixture's /proc holds, Hearth's worker (1900) left out. */
const DESKTOP = [
  'systemd', // exe link
  'steam', // exe link
  'steam.exe', // Proton's stub, still starting: the .exe from argv[1]
  'eldenring.exe', // Proton game: exe is wine64-preloader, argv[0] the Windows path
  'EasyAntiCheat_E', // exe and command line unreadable: 15-character comm
  'long-running-daemon-name', // exe unreadable: argv[0], longer than comm
  'sshd', // argv[0] is a title ("sshd: me@pts/0"): comm
  'python3.12', // "(deleted)" dropped; two processes, listed once
  'gnome-shell',
  'obs', // stat unreadable: exe link
];

describe('process names', () => {
  it.each<[string, string | null, string[], string, string | null]>([
    ['the exe link', '/usr/bin/gnome-shell', ['/usr/bin/gnome-shell'], 'gnome-shell', 'gnome-shell'],
    ['a replaced binary', '/opt/game/bin/game.x86_64 (deleted)', [], 'game.x86_64', 'game.x86_64'],
    ['a Proton game', '/p/files/bin/wine64-preloader', ['Z:\\home\\me\\Games\\ELDEN RING\\Game\\eldenring.exe'], 'eldenring.exe', 'eldenring.exe'],
    ['Wine before argv is rewritten', '/p/files/bin/wine64-preloader', ['/p/files/bin/wine64', 'C:\\Games\\RDR2.exe', '-vulkan'], 'wine64-preloade', 'RDR2.exe'],
    ['a Wine path with forward slashes', '/usr/bin/wine', ['C:/Program Files/Game/Game.EXE'], 'Game.EXE', 'Game.EXE'],
    ['Wine without any .exe: its comm', '/usr/bin/wine64-preloader', ['/usr/bin/wine64'], 'TslGame.exe', 'TslGame.exe'],
    ['comm ending in .exe (another loader)', '/usr/bin/box64', ['/games/x/Overwatch.exe'], 'Overwatch.exe', 'Overwatch.exe'],
    ['exe unreadable: argv[0]', null, ['/opt/epic/FortniteClient-Win64-Shipping', '-x'], 'FortniteClient-', 'FortniteClient-Win64-Shipping'],
    ['exe unreadable, a login shell', null, ['-bash'], 'bash', 'bash'],
    ['exe unreadable, argv[0] a title', null, ['postgres: checkpointer'], 'postgres', 'postgres'],
    ['exe unreadable, argv[0] a Windows path', null, ['Z:\\games\\cs2.exe'], 'cs2.exe', 'cs2.exe'],
    ['nothing but comm', null, [], 'EasyAntiCheat_E', 'EasyAntiCheat_E'],
    ['a program run from memory', '/memfd:runc_cloned:/proc/self/exe (deleted)', ['runc', 'init'], 'runc:[2:INIT]', 'runc'],
    ['nothing at all', null, [], '', null],
  ])('names %s', (_case, exe, argv, comm, expected) => {
    expect(processName(exe, argv, comm)).toBe(expected);
  });

  it('parses stat lines whose comm holds spaces and parentheses', () => {
    expect(parseStat(statLine(42, 'Web Content) (x', { state: 'R', start: 777 }))).toEqual({ comm: 'Web Content) (x', state: 'R', flags: 4194560, start: '777' });
    expect(parseStat('42 (bash) S 1')).toBeNull();
    expect(parseStat('')).toBeNull();
  });

  it('parses the first arguments of a command line', () => {
    expect(parseCmdline('a\0b\0c\0d\0')).toEqual(['a', 'b', 'c']);
    expect(parseCmdline('sshd: me@pts/0\0\0\0')).toEqual(['sshd: me@pts/0']);
    expect(parseCmdline('')).toEqual([]);
    expect(parseCmdline(null)).toEqual([]);
  });
});

describe('the process table', () => {
  it('lists the desktop fixture: exe names, Proton games, 15-character comm, no kernel threads, zombies or own pids', () => {
    const table = new ProcessTable({ root: join(fixtures, 'desktop') });
    const names = table.scan(T0, new Set([1900]));
    expect(sorted(names)).toEqual([...DESKTOP].sort());
    expect(table.entries.has(1900)).toBe(false);
    expect(table.entries.get(2)?.kernel).toBe(true);
    expect(table.entries.get(1500)?.name).toBeNull();
    expect(table.nameOf(1300)).toBe('eldenring.exe');
    // Without the own pid, Hearth's worker is just another process.
    expect(new ProcessTable({ root: join(fixtures, 'desktop') }).scan(T0, new Set())).toContain('hearth-worker');
  });

  it('feeds the game matcher: the Proton game by name, the anti-cheat by its cut comm', () => {
    const names = new ProcessTable({ root: join(fixtures, 'desktop') }).scan(T0, new Set());
    if (names === 'unknown') throw new Error('unreadable fixture');
    expect(createProgramMatcher(['eldenring.exe']).match(names)).toEqual({ process: 'eldenring.exe', name: 'Elden Ring' });
    expect(createProgramMatcher(['EasyAntiCheat_EOS.exe']).match(names)).toEqual({ process: 'EasyAntiCheat_E', name: 'A game protected by Easy Anti-Cheat' });
  });

  it('resolves each process once; later passes read stat only where due', () => {
    const table = new ProcessTable({ root: join(fixtures, 'desktop'), recentMs: 0 });
    table.scan(T0, new Set());
    expect(table.stats).toMatchObject({ listed: 15, statReads: 15 });
    const first = table.stats.resolved;
    expect(first).toBeGreaterThanOrEqual(11);
    table.scan(T0 + 1000, new Set());
    // Only pid 2000, whose stat is unreadable (no identity to trust), is read again.
    expect(table.stats).toEqual({ listed: 15, statReads: 1, resolved: 1 });
  });

  it('watches recently started programs at every pass, by their start time', () => {
    // Up 10 000 s; pid 3000 started 5 s ago, the fixture's others long before.
    const root = tree({ 'proc/uptime': '10000.00 19000.00\n', 'proc/3000/stat': statLine(3000, 'bash', { start: 999_500 }), 'proc/3000/exe': { link: '/usr/bin/bash' } }, 'desktop');
    const table = new ProcessTable({ root });
    table.scan(T0, new Set());
    table.scan(T0 + 1000, new Set());
    expect(table.stats.statReads).toBe(2); // 3000 and 2000 (no stat)
    table.scan(T0 + 26_000, new Set());
    expect(table.stats.statReads).toBeGreaterThanOrEqual(2);
    // 30 s after its start it is a long-running process like the others.
    table.scan(T0 + 27_000, new Set());
    expect(table.stats.statReads).toBe(1);
  });

  it('sees a launch script exec() the game under the same pid', () => {
    const root = tree({ 'proc/uptime': '10000.00 19000.00\n', 'proc/3000/stat': statLine(3000, 'bash', { start: 999_800 }), 'proc/3000/exe': { link: '/usr/bin/bash' } }, 'desktop');
    const table = new ProcessTable({ root });
    expect(table.scan(T0, new Set())).toContain('bash');
    write(root, { 'proc/3000/stat': statLine(3000, 'cs2', { start: 999_800 }), 'proc/3000/exe': { link: '/home/me/.steam/steam/steamapps/common/Counter-Strike Global Offensive/game/bin/linuxsteamrt64/cs2' } });
    const names = table.scan(T0 + 1000, new Set());
    expect(names).toContain('cs2');
    expect(names).not.toContain('bash');
  });

  it('sees Wine rename a process after its start', () => {
    const root = tree({}, 'desktop');
    const table = new ProcessTable({ root });
    expect(table.scan(T0, new Set())).toContain('steam.exe');
    write(root, {
      'proc/1290/stat': statLine(1290, 'GTA5.exe', { start: 9000 }),
      'proc/1290/cmdline': 'Z:\\home\\me\\Games\\GTAV\\GTA5.exe\0',
    });
    expect(table.scan(T0 + 1000, new Set())).toContain('GTA5.exe');
  });

  it('rechecks long-running processes every 7.5–15 s, and all of them after a gap', () => {
    const root = tree({}, 'desktop');
    const table = new ProcessTable({ root, recentMs: 0 });
    table.scan(T0, new Set());
    relink(join(root, 'proc/1200/exe'), '/usr/games/factorio');
    write(root, { 'proc/1200/stat': statLine(1200, 'factorio', { start: 5000 }) });
    expect(table.scan(T0 + 1000, new Set())).toContain('steam');
    let names = table.scan(T0 + 2000, new Set());
    for (let t = 3000; t <= 15_000; t += 1000) names = table.scan(T0 + t, new Set());
    expect(names).toContain('factorio');
    expect(names).not.toContain('steam');

    // A reused pid (same number, another start time) after a pause in polling.
    write(root, { 'proc/1460/stat': statLine(1460, 'Discord', { start: 99_999 }), 'proc/1460/exe': { link: '/opt/discord/Discord' } });
    names = table.scan(T0 + 15_000 + 6000, new Set());
    expect(table.stats.statReads).toBe(15);
    expect(names).toContain('Discord');
    expect(names).not.toContain('sshd');
  });

  it('adds new pids and drops gone ones at the next pass', () => {
    const root = tree({}, 'desktop');
    const table = new ProcessTable({ root, recentMs: 0 });
    table.scan(T0, new Set());
    write(root, { 'proc/1300': null, 'proc/4000/stat': statLine(4000, 'helldivers2.exe', { start: 20_000 }), 'proc/4000/exe': { link: '/p/wine64-preloader' }, 'proc/4000/cmdline': 'Z:\\g\\helldivers2.exe\0' });
    const names = table.scan(T0 + 1000, new Set());
    expect(names).toContain('helldivers2.exe');
    expect(names).not.toContain('eldenring.exe');
    expect(table.stats.resolved).toBe(2); // 4000, and 2000 (no stat)
  });

  it("says 'unknown' when /proc cannot be listed or nothing in it can be read, never []", () => {
    expect(new ProcessTable({ root: join(fixtures, 'unreadable') }).scan(T0, new Set())).toBe('unknown');
    expect(new ProcessTable({ root: join(fixtures, 'no-such-root') }).scan(T0, new Set())).toBe('unknown');
    expect(new ProcessTable({ root: tree({ 'proc/cpuinfo': 'x' }) }).scan(T0, new Set())).toBe('unknown');
    expect(new ProcessTable({ root: tree({ 'proc/4000/environ': '' }) }).scan(T0, new Set())).toBe('unknown');
    // Only kernel threads: readable, and no program runs.
    expect(new ProcessTable({ root: tree({ 'proc/2/stat': statLine(2, 'kthreadd', { flags: KERNEL_THREAD_FLAGS }) }) }).scan(T0, new Set())).toEqual([]);
  });
});
