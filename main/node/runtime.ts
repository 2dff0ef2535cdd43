/** Electron 40+ embeds Node 24, and the SQLite addon is built for it: older Node crashes loading it. */
export const REQUIRED_NODE_MAJOR = 24;

/** A one-line reason when this Node cannot run Hearth, else undefined. */
export function unsupportedNodeReason(version = process.versions.node): string | undefined {
  const major = Number(version.split('.')[0]);
  if (major >= REQUIRED_NODE_MAJOR) return undefined;
  return `Hearth needs Node ${REQUIRED_NODE_MAJOR} or newer (this is v${version}). Run it through npm (\`npm run headless\`, \`npm start\`), which uses the Node installed by \`bash .ci/setup\`.`;
}
