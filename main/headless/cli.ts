import { parseArgs } from 'node:util';
import { defaultDataDir } from '../node/data-dir.ts';
import { unsupportedNodeReason } from '../node/runtime.ts';
import { HEARTH_VERSION } from '../node/version.ts';
import { runHeadless, type RunningHeadless } from './run.ts';
import { errorMessage } from '../../shared/errors.ts';

export const DEFAULT_PORT = 8470;
export const DEFAULT_HOST = '127.0.0.1';
const SHUTDOWN_LIMIT_MS = 2000;

export interface CliOptions {
  dataDir: string;
  host: string;
  port: number;
}

export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

export const USAGE = `Usage: npm run headless -- [--data-dir DIR] [--port N] [--host H]

Runs the Hearth node without a window and serves its UI and API.
  --data-dir DIR  where Hearth keeps its data (default: ${defaultDataDir()})
  --port N        port to listen on, 0 for any free port (default: ${DEFAULT_PORT})
  --host H        address to listen on (default: ${DEFAULT_HOST}; anything else
                  exposes the token-protected API to your network)
  --help          show this help
  --version       show the version`;

/** Parses headless mode's flags; unknown flags and bad values are usage errors. Returns undefined for --help/--version (already printed). */
export function parseCliArgs(argv: readonly string[], print: (text: string) => void = console.log): CliOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean' },
        version: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new CliUsageError(errorMessage(error));
  }
  if (values.help) {
    print(USAGE);
    return undefined;
  }
  if (values.version) {
    print(HEARTH_VERSION);
    return undefined;
  }
  const portText = values.port ?? String(DEFAULT_PORT);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new CliUsageError(`--port must be a whole number from 0 to 65535, not "${portText}"`);
  }
  const host = values.host ?? DEFAULT_HOST;
  if (host.trim() === '' || /[\s/]/.test(host)) throw new CliUsageError(`--host must be an address or host name, not "${host}"`);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  if (dataDir.trim() === '') throw new CliUsageError('--data-dir must not be empty');
  return { dataDir, host, port: Number(portText) };
}

/** Runs headless mode until SIGINT/SIGTERM; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions | undefined;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    console.error(`hearth: ${errorMessage(error)}\n\n${USAGE}`);
    return 2;
  }
  if (!options) return 0;
  const unsupported = unsupportedNodeReason();
  if (unsupported) {
    console.error(`hearth: ${unsupported}`);
    return 1;
  }

  let running: RunningHeadless;
  try {
    running = await runHeadless(options);
  } catch (error) {
    console.error(`hearth: cannot start: ${errorMessage(error)}`);
    return 1;
  }
  // Handlers first: a signal that arrives right after the URL is printed must still shut down cleanly.
  const exitCode = new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      console.log(`hearth: ${signal} received, shutting down`);
      const force = setTimeout(() => {
        console.error(`hearth: shutdown took longer than ${SHUTDOWN_LIMIT_MS} ms; exiting anyway`);
        resolve(1);
      }, SHUTDOWN_LIMIT_MS);
      force.unref();
      running.close().then(
        () => {
          clearTimeout(force);
          resolve(0);
        },
        (error: unknown) => {
          console.error(`hearth: shutdown failed: ${errorMessage(error)}`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log(`Hearth ${HEARTH_VERSION} is running headless (data: ${options.dataDir}).`);
  // The link carries the token: shown at first start, and to a person at a terminal. Logs of a
  // service (journald, files) get it once, then only where the token is kept.
  if (running.tokenCreated || process.stdout.isTTY) console.log(`Open Hearth: ${running.url}`);
  else console.log(`Open Hearth: ${running.server.origin}/ (access token in ${running.tokenFile})`);
  return exitCode;
}
