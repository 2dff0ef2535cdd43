import { onTestFinished } from 'vitest';
import { silentLogger } from '../../main/node/log.ts';
import { runHeadless, type RunningHeadless } from '../../main/headless/run.ts';
import { tempDir } from './temp.ts';

/** Headless mode in this process on a free loopback port, stopped when the test ends. */
export async function startTestHeadless(options: { rendererDir?: string; dataDir?: string } = {}): Promise<RunningHeadless & { dataDir: string }> {
  const dataDir = options.dataDir ?? tempDir();
  const running = await runHeadless({ dataDir, host: '127.0.0.1', port: 0, logger: silentLogger, rendererDir: options.rendererDir ?? tempDir() });
  onTestFinished(() => running.close());
  return { ...running, dataDir };
}

export function api(origin: string, token: string | undefined, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${origin}/api/${method}`, {
    method: 'POST',
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}
