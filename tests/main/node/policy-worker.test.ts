import { describe, expect, it } from 'vitest';
import { ProviderNode } from '../../../main/node/provider-node.ts';
import { endGame, fakeMachine, measureGamePause, skippableClock } from '../../helpers/game-pause.ts';
import { tempDir } from '../../helpers/temp.ts';
import { startSupervisor } from '../../helpers/worker.ts';

describe('a game starting while the real worker computes', () => {
  it('makes the node preempt the job and release the worker, and run again after the game', async () => {
    const clock = skippableClock();
    const node = ProviderNode.start({ dataDir: tempDir(), now: clock.now });
    try {
      const { supervisor } = startSupervisor();
      node.attachWorker(supervisor);
      const machine = fakeMachine('eldenring.exe');
      node.attachSignals(machine.source);
      const first = await measureGamePause(node, supervisor, machine);
      expect(first.jobError).toBe('paused');
      expect(node.status().reason).toBe('Paused: Elden Ring is running (eldenring.exe)');
      expect(supervisor.status()).toMatchObject({ state: 'paused', inFlight: 0 });
      await endGame(node, machine, clock);
      await measureGamePause(node, supervisor, machine);
      // Newest first: the second game, running again, the wait after the first game, the first game, the start.
      expect(node.store.policyEvents.recent(10).map((event) => event.source)).toEqual(['gaming', 'policy', 'gaming', 'gaming', 'policy']);
    } finally {
      node.close();
    }
  }, 30_000);
});
