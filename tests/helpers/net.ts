import { createServer, type AddressInfo } from 'node:net';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Address } from '../../shared/voucher.ts';

/** A TCP port on 127.0.0.1 free a moment ago: for a server that must come back on the same port after a restart. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** An address nobody holds the key of (its key is thrown away): an escrow, token or stranger in tests. */
export const randomAddress = (): Address => privateKeyToAccount(generatePrivateKey()).address;
