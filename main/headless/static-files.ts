import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/**
 * The renderer's Content-Security-Policy, for both the desktop app (custom
 * scheme) and headless mode. `connect-src 'self'` covers the headless API's
 * fetch and WebSocket on the same origin.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** Hashed build assets never change under the same name. */
  immutable: boolean;
}

/**
 * Resolves a URL path to a file of the built renderer. Paths that leave the
 * root are refused; paths that name no file and no extension are app routes
 * and get index.html (the renderer routes on the client).
 */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const relative = normalize(decoded).replace(/^([/\\])+/, '');
  const full = join(root, relative);
  if (full !== root && !full.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;

  const file = await regularFile(full);
  if (file) return load(file, relative.startsWith(`assets${sep}`));
  if (extname(relative) === '') {
    const index = await regularFile(join(root, 'index.html'));
    if (index) return load(index, false);
  }
  return undefined;
}

async function regularFile(path: string): Promise<string | undefined> {
  try {
    return (await stat(path)).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

async function load(path: string, immutable: boolean): Promise<StaticFile> {
  return {
    body: await readFile(path),
    contentType: MIME[extname(path).toLowerCase()] ?? 'application/octet-stream',
    immutable,
  };
}
