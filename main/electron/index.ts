/**
 * The desktop app's main process. Thin on purpose: it builds the same
 * ProviderNode headless mode runs, and adds what only Electron can do — the
 * window, the custom scheme, the IPC binding and the security guards.
 */
import { join } from 'node:path';
import { app, dialog, session, type BrowserWindow, type Tray } from 'electron';
import { createDispatch, nodeHandlers } from '../node/api.ts';
import { dataDirFromArgv, defaultDataDir } from '../node/data-dir.ts';
import { createLogger } from '../node/log.ts';
import { findRendererDir } from '../headless/run.ts';
import { ProviderNode } from '../node/provider-node.ts';
import { disableCoreDumps } from '../node/runtime.ts';
import { safeStorageKeyWrap } from './safe-storage.ts';
import { electronSignalSource } from './signals.ts';
import { createTray } from './tray.ts';
import { createWorkerSupervisor } from '../node/worker.ts';
import { denyAllPermissions, guardAllWebContents } from './guards.ts';
import { bindContractToIpc } from './ipc.ts';
import { registerAppScheme, serveRenderer } from './protocol.ts';
import { appRoot } from '../worker/entry.ts';
import { utilityTransport } from './utility-transport.ts';
import { createMainWindow } from './window.ts';
import { errorMessage } from '../../shared/errors.ts';

const logger = createLogger('electron');

app.setName('Hearth');
// The same folder headless mode uses: --data-dir, else HEARTH_DATA_DIR, else the OS's app-data folder.
const dataDir = dataDirFromArgv(process.argv) ?? defaultDataDir();
app.setPath('userData', dataDir);
registerAppScheme();
guardAllWebContents();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | undefined;
  let node: ProviderNode | undefined;
  let tray: Tray | undefined;

  const showWindow = (): void => {
    if (!window || window.isDestroyed()) {
      window = createMainWindow(join(appRoot(), 'dist', 'preload', 'index.cjs'), { devTools: !app.isPackaged });
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  app.on('second-instance', showWindow);

  app
    .whenReady()
    .then(async () => {
      denyAllPermissions(session.defaultSession);
      serveRenderer(findRendererDir());
      const started = ProviderNode.start({ dataDir, logger: createLogger('node'), keyWrap: await safeStorageKeyWrap() });
      node = started;
      started.attachWorker(createWorkerSupervisor({ onEvent: (event) => started.recordWorkerEvent(event), logger: createLogger('worker'), spawn: utilityTransport, budget: () => started.budget() }), { warm: true });
      bindContractToIpc(createDispatch(nodeHandlers(node), logger), node, () => window);
      showWindow();
      app.on('activate', showWindow);
      started.attachSignals(electronSignalSource(() => started.ownPids()));
      tray = createTray(started, join(appRoot(), 'resources', 'icon.png'), showWindow);
      void disableCoreDumps((message) => logger.warn(message));
      // The wallet's chain, then the network (by default the embedded local network on this machine).
      void started.startNetwork();
    })
    .catch((error: unknown) => {
      const message = errorMessage(error);
      logger.error('Hearth could not start', { error });
      dialog.showErrorBox('Hearth could not start', message);
      app.exit(1);
    });

  // Closing the last window keeps Hearth working in the tray (Open Hearth / Quit there).
  app.on('window-all-closed', () => {
    if (!tray) app.quit();
  });
  // Quitting leaves the network first (paused, running jobs reported, socket closed with 1000), for at most 6 s.
  let left = false;
  app.on('before-quit', (event) => {
    if (left || !node) return;
    event.preventDefault();
    const leaving = node.leaveNetwork().catch((error: unknown) => logger.warn('leaving the network', { error }));
    void Promise.race([leaving, new Promise((resolve) => setTimeout(resolve, 6000))]).finally(() => {
      left = true;
      app.quit();
    });
  });
  app.on('will-quit', () => node?.close());
}
