import { HearthClient } from './client.ts';
import { httpTransport, takeTokenFromLocation } from './http-transport.ts';
import { ipcTransport } from './ipc-transport.ts';

/** The desktop app's bridge if present; else headless mode with the token from the URL; else nothing to connect with. */
export function connect(): HearthClient | undefined {
  if (window.hearth) return new HearthClient(ipcTransport(window.hearth));
  const token = takeTokenFromLocation();
  return token ? new HearthClient(httpTransport(token)) : undefined;
}

export { HearthClient };
