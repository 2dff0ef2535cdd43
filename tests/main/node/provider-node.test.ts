import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DataDirBusyError, processStartTime } from '../../../main/node/data-dir.ts';
import { ProviderNode } from '../../../main/node/provider-node.ts';
import { HEARTH_VERSION } from '../../../main/node/version.ts';
import type { NodeStatus } from '../../../shared/node.ts';
import { tempDir } from '../../helpers/temp.ts';

const HOUR = 60 * 60_000;

describe('ProviderNode', () => {
  let nodes: ProviderNode[] = [];
  const start = (dataDir: string): ProviderNode => {
    const node = ProviderNode.start({ dataDir });
    nodes.push(node);
    return node;
  };

  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-24T10:00:00Z') });
  });
  afterEach(() => {
    for (const node of nodes) node.close();
    nodes = [];
    vi.useRealTimers();
  });

  it('starts running and reports its version, data dir and name', () => {
    const dir = tempDir();
    const status = start(dir).status();
    expect(status).toEqual({
      state: 'running',
      reason: 'Ready to take work',
      since: Date.now(),
      pausedUntil: null,
      version: HEARTH_VERSION,
      dataDir: dir,
      nodeName: 'My Hearth node',
    });
  });

  it('pauses for a duration, pushes the change, and resumes by itself when it ends', () => {
    const node = start(tempDir());
    const seen: NodeStatus[] = [];
    node.on('node.statusChanged', (status) => seen.push(status));
    const paused = node.pause({ durationMs: HOUR });
    expect(paused).toMatchObject({ state: 'paused', pausedUntil: Date.now() + HOUR, reason: expect.stringMatching(/^Paused by you until \S/) as string });
    expect(seen.at(-1)).toEqual(paused);

    vi.advanceTimersByTime(HOUR - 1);
    expect(node.status().state).toBe('paused');
    vi.advanceTimersByTime(1);
    expect(node.status()).toMatchObject({ state: 'running', pausedUntil: null, reason: 'Ready to take work' });
    expect(seen.map((s) => s.state)).toEqual(['paused', 'running']);
  });

  it('ends a timed pause on time even when the machine slept through part of it', () => {
    const node = start(tempDir());
    node.pause({ durationMs: HOUR });
    // Sleep: the wall clock jumps 2 h, timers do not run meanwhile.
    vi.setSystemTime(Date.now() + 2 * HOUR);
    vi.advanceTimersByTime(15_000);
    expect(node.status().state).toBe('running');
  });

  it('pauses until resumed, and records every decision with its reason', () => {
    const node = start(tempDir());
    node.pause();
    vi.advanceTimersByTime(30 * 24 * HOUR);
    expect(node.status()).toMatchObject({ state: 'paused', pausedUntil: null, reason: 'Paused by you until you resume' });
    node.resume();
    expect(node.status().state).toBe('running');
    expect(node.store.policyEvents.recent(10).map((e) => [e.decision, e.source, e.reason])).toEqual([
      ['run', 'policy', 'Ready to take work'],
      ['pause', 'manual', 'Paused by you until you resume'],
      ['run', 'policy', 'Ready to take work'],
    ]);
  });

  it('keeps a timed pause across a restart, and lets an expired one lapse', () => {
    const dir = tempDir();
    const first = start(dir);
    first.pause({ durationMs: 2 * HOUR });
    first.close();

    vi.advanceTimersByTime(HOUR);
    const second = start(dir);
    expect(second.status()).toMatchObject({ state: 'paused', pausedUntil: Date.now() + HOUR });
    second.close();

    vi.advanceTimersByTime(2 * HOUR);
    expect(start(dir).status().state).toBe('running');
  });

  it('starts paused when the user asked for it', () => {
    const dir = tempDir();
    const first = start(dir);
    first.updateSettings({ startPaused: true });
    first.close();
    const restarted = start(dir);
    expect(restarted.status()).toMatchObject({ state: 'paused', reason: 'Paused by you until you resume' });
    expect(restarted.resume().state).toBe('running');
  });

  it('persists settings, pushes them, and reflects a new name in the status', () => {
    const dir = tempDir();
    const node = start(dir);
    const pushed: unknown[] = [];
    node.on('settings.changed', (s) => pushed.push(s));
    node.on('node.statusChanged', (s) => pushed.push(s.nodeName));
    node.updateSettings({ nodeName: 'Garage PC' });
    expect(pushed).toEqual([expect.objectContaining({ nodeName: 'Garage PC' }), 'Garage PC']);
    node.close();
    expect(start(dir).settings().nodeName).toBe('Garage PC');
  });

  it('a throwing listener does not stop the others or the change', () => {
    const node = start(tempDir());
    const after = vi.fn();
    node.on('node.statusChanged', () => {
      throw new Error('listener bug');
    });
    node.on('node.statusChanged', after);
    node.pause();
    expect(after).toHaveBeenCalledOnce();
    expect(node.status().state).toBe('paused');
  });

  it('refuses a second node on the same data directory, and takes over a stale lock', () => {
    const dir = tempDir();
    start(dir);
    expect(() => ProviderNode.start({ dataDir: dir })).toThrow(DataDirBusyError);

    const other = tempDir();
    writeFileSync(join(other, 'hearth.lock'), '2147483646'); // no such process
    expect(start(other).status().state).toBe('running');
  });

  it('takes over a lock whose pid now belongs to another program (a reboot reused it)', () => {
    const dir = tempDir();
    // pid 1 is alive, but did not start at this tick (a fixed tick could be pid 1's own on a freshly booted machine).
    writeFileSync(join(dir, 'hearth.lock'), `1 ${Number(processStartTime(1) ?? 0) + 1}`);
    expect(start(dir).status().state).toBe('running');
    expect(readFileSync(join(dir, 'hearth.lock'), 'utf8')).toBe(`${process.pid} ${processStartTime(process.pid)}`);
  });

  it('refuses while the recorded process is really alive', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'hearth.lock'), `1 ${processStartTime(1)}`);
    expect(() => ProviderNode.start({ dataDir: dir })).toThrow('Another Hearth (process 1) is already using');
  });

  it('refuses calls after close', () => {
    const node = start(tempDir());
    node.close();
    expect(() => node.pause()).toThrow(/shut down/);
  });
});
