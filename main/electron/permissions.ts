import { APP_ORIGIN } from '../../shared/ipc.ts';

/**
 * The one permission web content may have: writing text to the clipboard
 * ("Copy address"), and only our own page. Everything else — camera,
 * notifications, geolocation, reading the clipboard, … — is denied.
 */
const ALLOWED = new Set(['clipboard-sanitized-write']);

export function isPermissionAllowed(permission: string, requestingUrl: string | undefined): boolean {
  if (!ALLOWED.has(permission) || requestingUrl === undefined) return false;
  try {
    // Compared by scheme and host: a custom scheme's URL has the opaque origin "null".
    const url = new URL(requestingUrl);
    const app = new URL(APP_ORIGIN);
    return url.protocol === app.protocol && url.host === app.host;
  } catch {
    return false;
  }
}
