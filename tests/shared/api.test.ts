import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ApiError, decodeEvent, encodeEvent, eventNames, isMethodName, methodNames, methods, summariseIssues } from '../../shared/api.ts';

describe('the contract', () => {
  it('names the node, settings, worker, limits, policy, network, jobs and wallet methods and events', () => {
    expect(methodNames.filter((name) => !name.startsWith('wallet.'))).toEqual([
      'node.status',
      'node.pause',
      'node.resume',
      'settings.get',
      'settings.update',
      'worker.status',
      'limits.get',
      'limits.update',
      'policy.status',
      'network.status',
      'network.acceptPayer',
      'jobs.list',
      'jobs.summary',
    ]);
    expect(methodNames.filter((name) => name.startsWith('wallet.'))).toHaveLength(14);
    expect(eventNames).toEqual([
      'node.statusChanged',
      'settings.changed',
      'worker.statusChanged',
      'limits.changed',
      'policy.changed',
      'network.changed',
      'jobs.changed',
      'wallet.changed',
      'wallet.transactionChanged',
      'wallet.earningsChanged',
    ]);
  });

  it('does not treat inherited object keys as methods', () => {
    expect(isMethodName('toString')).toBe(false);
    expect(isMethodName('__proto__')).toBe(false);
    expect(isMethodName('node.status')).toBe(true);
  });

  it('lets methods without input take nothing or an empty object, and nothing else', () => {
    const input = methods['node.status'].input;
    expect(input.safeParse(undefined).success).toBe(true);
    expect(input.safeParse({}).success).toBe(true);
    expect(input.safeParse({ extra: 1 }).success).toBe(false);
  });

  it('summarises zod issues one line each, with their path', () => {
    const result = methods['node.pause'].input.safeParse({ durationMs: 1.5 });
    expect(result.success).toBe(false);
    expect(summariseIssues(result.error as z.ZodError)).toEqual(['durationMs: must be a whole number of milliseconds']);
  });

  it('round-trips an ApiError through its wire shape', () => {
    const error = ApiError.fromShape(new ApiError('invalid_input', 'bad', ['a: b']).toShape());
    expect(error).toBeInstanceOf(ApiError);
    expect([error.code, error.message, error.issues]).toEqual(['invalid_input', 'bad', ['a: b']]);
  });

  it('encodes and decodes event payloads with their schema', () => {
    const status = { state: 'paused', reason: 'r', since: 1, pausedUntil: null, version: '1', dataDir: '/d', nodeName: 'n' } as const;
    expect(decodeEvent('node.statusChanged', encodeEvent('node.statusChanged', status))).toEqual(status);
    expect(() => decodeEvent('node.statusChanged', { state: 'exploded' })).toThrow();
  });
});
