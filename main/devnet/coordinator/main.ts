// The reference coordinator's entry point (`npm run coordinator`, or `node main/devnet/coordinator/main.ts` from source).
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2));
// Let the event loop drain; anything left running past shutdown is a bug the guard in main() reports.
setTimeout(() => process.exit(), 100).unref();
