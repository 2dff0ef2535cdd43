import { describe, expect, it } from 'vitest';
import { defaultLimits, programKey } from '../../../shared/limits.ts';
import { createProgramMatcher, programDisplayName } from '../../../main/policy/detect.ts';
import { benchDetection, sampleProcessList } from './detect.bench-helper.ts';

describe('game detection', () => {
  const matcher = createProgramMatcher([...defaultLimits.gaming.programs, 'C:\\Games\\Indie\\MyIndieGame.exe', 'factorio']);

  it.each([
    ['eldenring.exe', 'Elden Ring', 'eldenring.exe'],
    ['ELDENRING.EXE', 'Elden Ring', 'ELDENRING.EXE'],
    ['eldenring', 'Elden Ring', 'eldenring'],
    ['C:\\Program Files (x86)\\Steam\\steamapps\\common\\ELDEN RING\\Game\\eldenring.exe', 'Elden Ring', 'eldenring.exe'],
    ['/home/me/.steam/steam/steamapps/common/Counter-Strike Global Offensive/game/bin/linuxsteamrt64/cs2', 'Counter-Strike 2', 'cs2'],
    ['League of Legends.exe', 'League of Legends', 'League of Legends.exe'],
    ['myindiegame.exe', 'MyIndieGame.exe', 'myindiegame.exe'],
    ['factorio.exe', 'factorio', 'factorio.exe'],
    // Linux cuts /proc/PID/comm to 15 characters.
    ['FortniteClient-', 'Fortnite', 'FortniteClient-'],
    ['EasyAntiCheat_E', 'A game protected by Easy Anti-Cheat', 'EasyAntiCheat_E'],
  ])('finds %s as %s', (process, name, shown) => {
    expect(matcher.match(['svchost.exe', process, 'explorer.exe'])).toEqual({ process: shown, name });
  });

  it.each([['steam.exe'], ['EpicGamesLauncher.exe'], ['Battle.net.exe'], ['eldenring.exe.bak'], ['notcs2.exe'], ['cs2.exe.old'], ['FortniteClient'], ['']])(
    'does not take %j for a game',
    (process) => {
      expect(matcher.match([process])).toBeNull();
    },
  );

  it('returns the first listed program in process order', () => {
    expect(matcher.match(['explorer.exe', 'GTA5.exe', 'eldenring.exe'])?.name).toBe('Grand Theft Auto V');
  });

  it('keys programs by name alone', () => {
    expect(programKey('  C:\\Games\\EldenRing.EXE ')).toBe('eldenring');
    expect(programKey('/usr/games/cs2')).toBe('cs2');
    expect(programDisplayName('/opt/x/bg3_dx11.exe')).toBe("Baldur's Gate 3");
    expect(programDisplayName('/opt/x/blender')).toBe('blender');
  });

  it('costs microseconds per 500-process pass', () => {
    expect(sampleProcessList()).toHaveLength(500);
    const bench = benchDetection({ passes: 20, rounds: 3 });
    console.log(
      `detection, ${bench.processes} processes × ${bench.programs} programs: ${bench.passMicros.toFixed(1)} µs/pass (cpu ${bench.passCpuMicros.toFixed(1)} µs; first pass ${bench.firstPassMicros.toFixed(1)} µs; bare Set ${bench.bareSetMicros.toFixed(1)} µs); decide() ${bench.decideMicros.toFixed(1)} µs`,
    );
    // Generous: a pass every second must stay far below 0.1 % of one core even on a slow CI machine.
    expect(bench.passMicros).toBeLessThan(1000);
  });
});
