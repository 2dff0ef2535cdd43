import { Counter, Gauge, Registry } from 'prom-client';
import { nodeStates } from '../../shared/node.ts';
import type { ProviderNode } from '../node/provider-node.ts';

/**
 * Prometheus metrics of one node, in their own registry (never the global
 * one, so two nodes in one process — tests — do not mix). Values are read from
 * the node when scraped.
 */
export function createMetrics(node: ProviderNode): Registry {
  const registry = new Registry();
  new Gauge({
    name: 'hearth_up',
    help: '1 while the Hearth node is serving.',
    registers: [registry],
    collect() {
      this.set(1);
    },
  });
  new Gauge({
    name: 'hearth_node_state',
    help: 'The node state: 1 for the current state, 0 for the others.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const current = node.status().state;
      for (const state of nodeStates) this.set({ state }, state === current ? 1 : 0);
    },
  });
  new Counter({
    name: 'hearth_worker_restarts_total',
    help: 'Restarts of the inference worker after a crash, since the data dir was created (kept in SQLite).',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(node.store.workerEvents.count('restarting'));
    },
  });
  for (const metric of node.networkCounters.metrics()) registry.registerMetric(metric);
  new Counter({
    name: 'hearth_earned_base_units_total',
    help: 'Exact price of every job this node completed (results the network took), in base units of the payment token (kept in SQLite).',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(toMetricNumber(node.store.jobs.earned()));
    },
  });
  new Gauge({
    name: 'hearth_vouchers_cumulative_base_units',
    help: 'What the stored vouchers are worth: the highest cumulative voucher of each payer, summed, in base units.',
    registers: [registry],
    collect() {
      this.set(toMetricNumber(node.store.jobSummary.voucherTotal()));
    },
  });
  new Counter({
    name: 'hearth_claimed_base_units_total',
    help: 'Base units claimed from escrows by confirmed claim transactions (kept in SQLite).',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(toMetricNumber(node.store.chainTxs.confirmedTotal('claim')));
    },
  });
  return registry;
}

/**
 * Prometheus values are float64: exact up to 2^53 base units (9 billion units
 * of a 6-decimal token); beyond that they are rounded, as every Prometheus
 * client must. The app itself never leaves bigint.
 */
function toMetricNumber(value: bigint): number {
  return Number(value);
}
