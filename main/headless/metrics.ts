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
  return registry;
}
