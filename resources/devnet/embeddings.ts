/**
 * Computes the local network's reference sentence embeddings with the real
 * sandboxed worker (run once; embeddings.json is committed):
 *   node resources/devnet/embeddings.ts
 * Each text is embedded alone, so a reference never depends on what it was
 * batched with. The file names the embedder's sha256: the workload refuses
 * to start on references of another embedder, and
 * tests/main/devnet/workload/references.test.ts recomputes them all.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embedderModel } from '../../main/devnet/workload/models.ts';
import type { EmbeddingReferencesFile } from '../../main/devnet/workload/corpus.ts';
import { workerLocation } from '../../main/worker/entry.ts';
import { forkTransport } from '../../main/worker/fork-transport.ts';
import { sandboxSpec } from '../../main/worker/sandbox.ts';
import { WorkerSupervisor } from '../../main/worker/supervisor.ts';
import { bytesToBase64 } from '../../shared/protocol/payloads.ts';

/** What people send an embedding service: support mail, product copy, notes, queries, headlines. */
const TEXTS = [
  'How do I reset my password if I no longer have access to my email?',
  'My order arrived damaged and I would like a replacement.',
  'Can I change the delivery address after the order has shipped?',
  'The app crashes every time I open the settings page.',
  'Please cancel my subscription at the end of this billing period.',
  'I was charged twice for the same invoice last month.',
  'Where can I download a copy of my receipt?',
  'The battery drains quickly since the latest update.',
  'Is there a student discount for the annual plan?',
  'Our team needs five more seats on the business account.',
  'Lightweight waterproof jacket with taped seams and a packable hood.',
  'Stainless steel water bottle keeps drinks cold for 24 hours.',
  'Ergonomic office chair with adjustable lumbar support.',
  'Noise cancelling headphones with 30 hours of battery life.',
  'Organic cotton t-shirt, relaxed fit, available in six colours.',
  'Cast iron skillet, pre-seasoned and ready to use.',
  'Compact espresso machine with a built-in milk frother.',
  'Four person tent that sets up in under five minutes.',
  'Mechanical keyboard with hot-swappable switches.',
  'Solar garden lights that turn on automatically at dusk.',
  'Central bank holds interest rates steady for a third month.',
  'City council approves new bike lanes along the river.',
  'Heavy rain expected across the north this weekend.',
  'Local bakery wins national award for its sourdough.',
  'Researchers find a faster way to recycle lithium batteries.',
  'Train services resume after a two day strike.',
  'The museum reopens with an exhibition on early photography.',
  'Fuel prices fall for the fourth week in a row.',
  'New study links regular walking to better sleep.',
  'The football club signs a young striker from Portugal.',
  'best budget laptop for programming',
  'how long to boil an egg',
  'cheap flights to lisbon in may',
  'symptoms of vitamin d deficiency',
  'convert 5 miles to kilometres',
  'python read csv file into list',
  'opening hours of the public library',
  'how to remove a stripped screw',
  'vegetarian lasagna recipe without ricotta',
  'what time is sunset today',
  'Reminder: the quarterly report is due on Friday.',
  'Pick up groceries and call the plumber about the leak.',
  'Meeting moved to Thursday at 3 pm in room 204.',
  'Renew the car insurance before the end of the month.',
  'Send the signed contract back to the landlord.',
  'Book a dentist appointment for next week.',
  'Back up the laptop before installing the new system.',
  'Water the plants on the balcony every second day.',
  'Ask Maria for the slides from the workshop.',
  'Pay the electricity bill, it is due on the 28th.',
  'The model runs on idle GPUs and pays the owner per job.',
  'Each node signs its results with its own key.',
  'Vouchers add up, so only the latest one needs to be claimed.',
  'A paused node finishes nothing and is offered nothing.',
  'The coordinator checks every answer before it pays.',
  'Deposits stay in escrow until a provider claims them.',
  'Jobs that miss their deadline are offered to another node.',
  'The wallet is encrypted and never leaves this computer.',
  'Hello, world!',
  'The quick brown fox jumps over the lazy dog.',
  'Thanks for your help, everything works now.',
  'Could you send me the tracking number, please?',
  'We are closed on public holidays.',
  'Café au lait, 2 croissants and a glass of orange juice.',
];

const here = dirname(fileURLToPath(import.meta.url));
const model = embedderModel();
const { entry, root } = workerLocation();
const supervisor = new WorkerSupervisor({
  spawn: forkTransport,
  spec: () => sandboxSpec({ entry, readPaths: [root], memoryCapBytes: 3 * 1024 ** 3 }),
  config: () => ({ intraOpThreads: 1, executionProvider: 'cpu', maxInputBytes: 16 * 1024 * 1024 }),
});
try {
  const references: EmbeddingReferencesFile['references'] = [];
  let dim = 0;
  for (const text of TEXTS) {
    const result = await supervisor.runEmbedding({ modelSha256: model.sha256, modelBytes: () => model.bytes, texts: [text], deadlineMs: 30_000 });
    dim = result.dims[1];
    const { vectors } = result;
    references.push({ text, tokens: result.tokens[0] ?? 0, vector: bytesToBase64(new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength)) });
  }
  const file: EmbeddingReferencesFile = { model: model.id, sha256: model.sha256, dim, references };
  writeFileSync(join(here, 'embeddings.json'), `${JSON.stringify(file, null, 1)}\n`);
  console.log(`wrote ${references.length} references (${dim} dimensions) for ${model.id} ${model.sha256}`);
} finally {
  supervisor.stop();
}
