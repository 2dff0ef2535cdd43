/** Electron IPC channel names: the preload keyhole and main's binding use these two only. */
export const INVOKE_CHANNEL = 'hearth:invoke';
export const EVENT_CHANNEL = 'hearth:event';

/** The renderer's origin in the desktop app (a custom scheme, never file://). */
export const APP_SCHEME = 'hearth';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
