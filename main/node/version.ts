import pkg from '../../package.json' with { type: 'json' };

export const HEARTH_VERSION: string = pkg.version;
