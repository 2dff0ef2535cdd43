/** The coordinator protocol's version: every message carries it as `v`. */
export const PROTOCOL_VERSION = 1;
