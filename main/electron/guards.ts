import { app, shell, type Session, type WebContents } from 'electron';
import { APP_ORIGIN } from '../../shared/ipc.ts';
import { isPermissionAllowed } from './permissions.ts';

/** Opens a link in the user's browser: https only, never anything the page made up. */
export function openExternalSafely(target: string): void {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return;
  }
  if (url.protocol !== 'https:') return;
  void shell.openExternal(url.toString());
}

/** Deny every permission (camera, notifications, geolocation, …) to web content, but clipboard writes by our own page. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) =>
    callback(isPermissionAllowed(permission, details.requestingUrl ?? contents.getURL())),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin));
  session.setDevicePermissionHandler(() => false);
}

/**
 * App-wide guards on every web contents: no navigation away from our origin,
 * no new windows (https links go to the browser), no <webview>.
 */
export function guardAllWebContents(): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      openExternalSafely(url);
      return { action: 'deny' };
    });
  });
}
