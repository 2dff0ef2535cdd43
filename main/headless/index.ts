// Headless mode's entry point (`npm run headless`, or `node main/headless/index.ts` from source).
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2));
// Let the event loop drain; anything left running past shutdown is a bug the 2 s guard in main() reports.
setTimeout(() => process.exit(), 100).unref();
