import { eventNames } from '../../../shared/api.ts';
import type { ConnectionState, HearthBridge, Transport } from './transport.ts';

export function ipcTransport(bridge: HearthBridge): Transport {
  return {
    kind: 'ipc',
    invoke: (method, input) => bridge.invoke(method, input),
    subscribe(listener) {
      const offs = eventNames.map((event) => bridge.on(event, (payload) => listener(event, payload)));
      return () => offs.forEach((off) => off());
    },
    onConnection(listener: (state: ConnectionState) => void) {
      listener('open'); // IPC is up as long as the window is
      return () => {};
    },
  };
}
