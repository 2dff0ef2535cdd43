import { describe, expect, it } from 'vitest';
import { isPermissionAllowed } from '../../../main/electron/permissions.ts';
import { APP_ORIGIN } from '../../../shared/ipc.ts';

describe('web content permissions', () => {
  it('lets only our own page write to the clipboard', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', `${APP_ORIGIN}/index.html`)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'hearth://other/')).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'file:///etc/passwd')).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', undefined)).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'not a url')).toBe(false);
  });

  it.each(['clipboard-read', 'media', 'notifications', 'geolocation', 'openExternal', 'fullscreen', 'midi', 'hid', 'serial', 'usb'])(
    'denies %s, even to our own page',
    (permission) => {
      expect(isPermissionAllowed(permission, `${APP_ORIGIN}/`)).toBe(false);
    },
  );
});
