import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { ApiError, encodeEvent, eventNames, type Reply } from '../../shared/api.ts';
import { APP_ORIGIN, EVENT_CHANNEL, INVOKE_CHANNEL } from '../../shared/ipc.ts';
import type { Dispatch } from '../node/api.ts';
import type { ProviderNode } from '../node/provider-node.ts';

/**
 * The one door from the renderer into main: the only `ipcMain` handler in the
 * app. Only the main frame of our own window, showing our own origin, may
 * call; the dispatcher parses input and output with the contract's schemas.
 */
export function bindContractToIpc(dispatch: Dispatch, node: ProviderNode, window: () => BrowserWindow | undefined): () => void {
  ipcMain.handle(INVOKE_CHANNEL, async (event: IpcMainInvokeEvent, method: unknown, input: unknown): Promise<Reply> => {
    if (!isTrustedSender(event, window())) {
      return { ok: false, error: new ApiError('unauthorized', 'calls are only accepted from the Hearth window').toShape() };
    }
    return dispatch(method, input);
  });

  const unsubscribe = eventNames.map((name) =>
    node.on(name, (payload) => {
      const target = window();
      if (target && !target.isDestroyed()) target.webContents.send(EVENT_CHANNEL, name, encodeEvent(name, payload));
    }),
  );

  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    for (const off of unsubscribe) off();
  };
}

function isTrustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | undefined): boolean {
  const frame = event.senderFrame;
  if (!window || window.isDestroyed() || event.sender !== window.webContents) return false;
  if (!frame || frame.parent !== null) return false;
  // A custom scheme's URL origin is "null" in WHATWG terms: compare the prefix.
  return frame.url === APP_ORIGIN || frame.url.startsWith(`${APP_ORIGIN}/`);
}
