/** The reference coordinator's public surface (server.ts wires the parts; cli.ts is the program). */
export { startCoordinator, type Coordinator, type CoordinatorOptions, type CoordinatorStats } from './server.ts';
export { CLOSE_CODES } from './session.ts';
export type { Logger, LogLevel, NetworkConfig } from './context.ts';
export type { Rate } from './rate.ts';
