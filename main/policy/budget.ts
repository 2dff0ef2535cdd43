import type { Limits } from '../../shared/limits.ts';
import type { Budget } from './decision.ts';

/**
 * What the worker may use. Threads: the cap, or all cores but one; and never
 * more than the CPU share can keep busy (25 % of 8 cores is 2 threads: more
 * would only contend for the same share).
 */
export function budgetFor(limits: Limits, logicalCpus: number): Budget {
  const cpus = Number.isFinite(logicalCpus) && logicalCpus >= 1 ? Math.floor(logicalCpus) : 1;
  const byShare = Math.max(1, Math.ceil((cpus * limits.cpu.maxPercent) / 100));
  const cap = limits.cpu.maxThreads ?? Math.max(1, cpus - 1);
  return {
    threads: Math.min(cap, cpus, byShare),
    cpuPercent: limits.cpu.maxPercent,
    gpu: { enabled: limits.gpu.enabled, deviceIndex: limits.gpu.deviceIndex },
    vramCapMiB: limits.vramCapMiB,
    ramCapMiB: limits.ramCapMiB,
    modelDiskQuotaMiB: limits.modelDiskQuotaMiB,
  };
}
