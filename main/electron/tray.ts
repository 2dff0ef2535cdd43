import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { NodeStatus } from '../../shared/node.ts';
import type { ProviderNode } from '../node/provider-node.ts';

const HOUR = 60 * 60 * 1000;

/**
 * The tray: the node's state at a glance and the quick actions — pause for
 * an hour, until tomorrow, resume, open — wired through the same node (and so
 * the same policy engine) as the app's buttons.
 */
export function createTray(node: ProviderNode, iconPath: string, openWindow: () => void): Tray {
  const tray = new Tray(nativeImage.createFromPath(iconPath).resize({ width: 16, height: 16 }));
  const render = (status: NodeStatus): void => {
    const items: MenuItemConstructorOptions[] = [
      { label: status.state === 'running' ? 'Hearth is running' : `Hearth: ${status.reason}`, enabled: false },
      { type: 'separator' },
      { label: 'Pause for 1 hour', click: () => node.pause({ durationMs: HOUR }) },
      { label: 'Pause until tomorrow', click: () => node.pause({ until: 'tomorrow' }) },
      { label: 'Resume', enabled: status.state === 'paused', click: () => node.resume() },
      { type: 'separator' },
      { label: 'Open Hearth', click: openWindow },
      { role: 'quit' },
    ];
    tray.setToolTip(`Hearth — ${status.reason}`);
    tray.setContextMenu(Menu.buildFromTemplate(items));
  };
  render(node.status());
  node.on('node.statusChanged', render);
  tray.on('click', openWindow);
  return tray;
}
