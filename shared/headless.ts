/**
 * What headless mode's server and the renderer's HTTP transport must agree on.
 * Browsers cannot set headers on a WebSocket, so the token travels as a second
 * subprotocol, `hearth.token.<token>`, next to `hearth.v1`.
 */
export const EVENTS_PATH = '/api/events';
export const EVENTS_PROTOCOL = 'hearth.v1';
export const TOKEN_PROTOCOL_PREFIX = 'hearth.token.';
/** An API token: 32 random bytes in base64url. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
