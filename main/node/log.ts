/**
 * A small leveled logger writing one line per entry to stderr. Secrets never
 * get here: nothing logs wallet material, API tokens or raw payloads.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  scope: string,
  options: { level?: LogLevel; write?: (line: string) => void } = {},
): Logger {
  const threshold = order[options.level ?? (process.env.HEARTH_LOG_LEVEL as LogLevel | undefined) ?? 'info'] ?? order.info;
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (order[level] < threshold) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields, replacer)}` : '';
    write(`${new Date().toISOString()} ${level.padEnd(5)} [${scope}] ${message}${extra}`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
