/**
 * The inference worker: its own process, sandboxed by the supervisor
 * (main/worker/sandbox.ts). It receives models as bytes and jobs as typed
 * arrays, runs them on ONNX Runtime, and never touches the network, the model
 * cache or any file of its own accord.
 *
 * `session.run` blocks this thread for the whole run (onnxruntime-node runs it
 * synchronously), so messages are handled one at a time, in order; a pause
 * arriving mid-run is seen when the run ends — the supervisor kills the worker
 * if that is too late.
 */
import { createHash } from 'node:crypto';
import { scaleModel } from '../../shared/onnx/zoo.ts';
import type { ExecutionProviderName, FromWorker, TensorSpec, TensorType, ToWorker, WireTensor, WorkerConfig } from '../../shared/worker-protocol.ts';
import { tensorTypes } from '../../shared/worker-protocol.ts';
import { decodeEmbeddingBundle, isEmbeddingBundle } from '../../shared/embedding-bundle.ts';
import { decodeOcrBundle, isOcrBundle } from '../../shared/ocr-bundle.ts';
import { createEmbedder, embed, type Embedder } from './embedding.ts';
import { decodeImage } from './ocr/image.ts';
import { alphabetFrom, recognise, type OcrSessions } from './ocr/pipeline.ts';
import { detectProviders, firstLine, providerOrder, providerSetup } from './providers.ts';
import { InputError, validateInputs } from './validate.ts';

// Telemetry is on by default on Linux; the supervisor's environment sets this too.
process.env.ORT_DISABLE_TELEMETRY = '1';
// "GPU 1" in the limits counts as the driver lists GPUs (nvidia-smi: by PCI bus); CUDA's own default order is fastest first.
process.env.CUDA_DEVICE_ORDER ??= 'PCI_BUS_ID';
const ort = await import('onnxruntime-node');
// Probing providers that are missing logs errors from inside ONNX Runtime; the reasons are reported instead.
ort.env.logLevel = 'fatal';

type Session = Awaited<ReturnType<typeof ort.InferenceSession.create>>;
interface Loaded {
  /** Every session this model holds (one for a plain model, three for an OCR bundle). */
  sessions: Session[];
  ocr?: OcrSessions;
  embedder?: Embedder;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  provider: ExecutionProviderName;
}

const channel = connect();
const sessions = new Map<string, Loaded>();
let config: WorkerConfig | undefined;
let providers: Awaited<ReturnType<typeof detectProviders>> = [];
let queue: Promise<void> = Promise.resolve();

channel.onMessage((message) => {
  queue = queue
    .then(() => handle(message))
    .catch((error: unknown) => {
      // A message the handlers could not cope with still gets an answer, so no job waits for its deadline.
      process.stderr.write(`worker: ${firstLine(error)}\n`);
      const id = (message as { id?: unknown } | null)?.id;
      if (typeof id === 'number') fail(id, 'invalid_input', `malformed request: ${firstLine(error)}`);
    });
});

async function handle(message: ToWorker): Promise<void> {
  switch (message?.type) {
    case 'configure':
      config = message.config;
      providers = await detectProviders(ort, scaleModel(), process.platform, config.gpu);
      channel.send({ type: 'ready', pid: process.pid, ortVersion: ort.env.versions.node ?? 'unknown', nodeVersion: process.version, providers });
      return;
    case 'load':
      return load(message.id, message.sha256, message.bytes);
    case 'run':
      return run(message);
    case 'release': {
      const count = sessions.size;
      for (const loaded of sessions.values()) for (const session of loaded.sessions) await session.release();
      sessions.clear();
      channel.send({ type: 'released', id: message.id, sessions: count });
      return;
    }
    default:
      process.stderr.write('worker: ignored a malformed message\n');
  }
}

async function load(id: number, sha256: string, bytes: Uint8Array): Promise<void> {
  if (!config) return fail(id, 'worker_unavailable', 'the worker is not configured yet');
  if (!(bytes instanceof Uint8Array)) return fail(id, 'model_invalid', 'model bytes missing');
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256) return fail(id, 'hash_mismatch', `model bytes hash to ${actual}, not ${sha256}`);
  const existing = sessions.get(sha256);
  if (existing) return sendLoaded(id, sha256, existing);

  let bundle: ReturnType<typeof decodeOcrBundle> | undefined;
  let embedding: ReturnType<typeof decodeEmbeddingBundle> | undefined;
  try {
    if (isOcrBundle(bytes)) bundle = decodeOcrBundle(bytes);
    else if (isEmbeddingBundle(bytes)) embedding = decodeEmbeddingBundle(bytes);
  } catch (error) {
    return fail(id, 'model_invalid', `the model bundle is damaged: ${firstLine(error)}`);
  }
  const failures: string[] = [];
  const order = providerOrder(config.executionProvider, providers);
  // A provider the user chose that this machine does not have: say so when the model lands elsewhere.
  const chosen = config.executionProvider;
  if (chosen !== 'auto' && order[0] !== chosen) {
    failures.push(`${chosen} is not available: ${providers.find((p) => p.name === chosen)?.reason ?? 'not on this platform'}`);
  }
  for (const provider of order) {
    const created: Session[] = [];
    try {
      const create = async (model: Uint8Array): Promise<Session> => {
        const session = await ort.InferenceSession.create(model, {
          executionProviders: [providerSetup(provider, config?.gpu).option],
          intraOpNumThreads: config?.intraOpThreads ?? 1,
          interOpNumThreads: 1,
          graphOptimizationLevel: 'all',
          logSeverityLevel: 3,
        });
        created.push(session);
        return session;
      };
      let loaded: Loaded;
      if (bundle) {
        const ocr: OcrSessions = { det: await create(bundle.det), cls: await create(bundle.cls), rec: await create(bundle.rec), alphabet: alphabetFrom(bundle.keys) };
        loaded = { sessions: created, ocr, inputs: [{ name: 'image', type: 'uint8', dims: ['bytes'] }], outputs: [], provider };
      } else if (embedding) {
        const embedder = createEmbedder(await create(embedding.model), embedding);
        loaded = { sessions: created, embedder, inputs: [{ name: 'texts', type: 'unknown', dims: ['texts'] }], outputs: [], provider };
      } else {
        const session = await create(bytes);
        loaded = { sessions: created, inputs: specs(session.inputMetadata), outputs: specs(session.outputMetadata), provider };
      }
      sessions.set(sha256, loaded);
      return sendLoaded(id, sha256, loaded, failures.length > 0 ? failures.join('; ') : undefined);
    } catch (error) {
      for (const session of created) await session.release();
      failures.push(`${provider} failed: ${firstLine(error)}`);
      if (isOutOfMemory(failures.at(-1) ?? '')) return fail(id, 'out_of_memory', `not enough memory to load the model: ${failures.at(-1) ?? ''}`);
    }
  }
  fail(id, 'model_invalid', `the model could not be loaded: ${failures.join('; ')}`);
}

function sendLoaded(id: number, sha256: string, loaded: Loaded, fallbackReason?: string): void {
  channel.send({ type: 'loaded', id, sha256, inputs: loaded.inputs, outputs: loaded.outputs, provider: loaded.provider, ...(fallbackReason ? { fallbackReason } : {}) });
}

async function run(message: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  if (!config) return fail(message.id, 'worker_unavailable', 'the worker is not configured yet');
  const loaded = sessions.get(message.sha256);
  if (!loaded) return fail(message.id, 'model_not_loaded', `model ${message.sha256} is not loaded`);
  if (message.task === 'ocr') return runOcr(message, loaded, config);
  if (message.task === 'embedding') return runEmbedding(message, loaded, config);
  if (loaded.ocr) return fail(message.id, 'invalid_input', 'this model is an OCR bundle: send an ocr job');
  if (loaded.embedder) return fail(message.id, 'invalid_input', 'this model is an embedding bundle: send an embedding job');
  const session = loaded.sessions[0];
  if (!session) return fail(message.id, 'model_not_loaded', 'no session');
  try {
    validateInputs(loaded.inputs, message.inputs, config.maxInputBytes);
  } catch (error) {
    if (error instanceof InputError) return fail(message.id, 'invalid_input', error.message);
    throw error;
  }
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
  for (const [name, tensor] of Object.entries(message.inputs)) feeds[name] = new ort.Tensor(tensor.type, tensor.data, tensor.dims);
  const started = performance.now();
  try {
    const outputs = await session.run(feeds);
    const wire: Record<string, WireTensor> = {};
    for (const [name, value] of Object.entries(outputs)) {
      wire[name] = { type: value.type as TensorType, dims: [...value.dims], data: value.data as WireTensor['data'] };
    }
    channel.send({ type: 'result', id: message.id, outputs: wire, durationMs: performance.now() - started, provider: loaded.provider });
  } catch (error) {
    const text = firstLine(error);
    fail(message.id, isOutOfMemory(text) ? 'out_of_memory' : 'run_failed', text);
  }
}

async function runEmbedding(message: Extract<ToWorker, { task: 'embedding' }>, loaded: Loaded, cfg: WorkerConfig): Promise<void> {
  if (!loaded.embedder) return fail(message.id, 'invalid_input', 'this model is not an embedding bundle');
  const size = Array.isArray(message.texts) ? message.texts.reduce((sum, t) => sum + (typeof t === 'string' ? t.length * 2 : 0), 0) : 0;
  if (size > cfg.maxInputBytes) return fail(message.id, 'invalid_input', `the texts exceed the size limit of ${cfg.maxInputBytes} bytes`);
  const started = performance.now();
  try {
    const { vectors, dims, tokens } = await embed(ort, loaded.embedder, message.texts);
    channel.send({ type: 'embeddingResult', id: message.id, vectors, dims, tokens, durationMs: performance.now() - started, provider: loaded.provider });
  } catch (error) {
    if (error instanceof InputError) return fail(message.id, 'invalid_input', error.message);
    const text = firstLine(error);
    fail(message.id, isOutOfMemory(text) ? 'out_of_memory' : 'run_failed', text);
  }
}

async function runOcr(message: Extract<ToWorker, { task: 'ocr' }>, loaded: Loaded, cfg: WorkerConfig): Promise<void> {
  if (!loaded.ocr) return fail(message.id, 'invalid_input', 'this model is not an OCR bundle');
  if (!(message.image instanceof Uint8Array)) return fail(message.id, 'invalid_input', 'the image must be bytes');
  if (message.image.byteLength > cfg.maxInputBytes) return fail(message.id, 'invalid_input', `the image exceeds the size limit of ${cfg.maxInputBytes} bytes`);
  const started = performance.now();
  try {
    const lines = await recognise(ort, loaded.ocr, decodeImage(message.image));
    channel.send({ type: 'ocrResult', id: message.id, lines, durationMs: performance.now() - started, provider: loaded.provider });
  } catch (error) {
    if (error instanceof InputError) return fail(message.id, 'invalid_input', error.message);
    const text = firstLine(error);
    fail(message.id, isOutOfMemory(text) ? 'out_of_memory' : 'run_failed', text);
  }
}

/** ONNX Runtime's ways of saying an allocation failed (the address-space cap, or real exhaustion). */
function isOutOfMemory(text: string): boolean {
  return /bad_alloc|Failed to allocate|out of memory|std::bad_array_new_length|Cannot allocate memory/i.test(text);
}

function fail(id: number, code: Extract<FromWorker, { type: 'error' }>['code'], message: string): void {
  channel.send({ type: 'error', id, code, message });
}

function specs(metadata: readonly { name: string; isTensor: boolean; type?: string; shape?: readonly (number | string)[] }[]): TensorSpec[] {
  return metadata.map((m) => ({
    name: m.name,
    type: m.isTensor && (tensorTypes as readonly string[]).includes(m.type ?? '') ? (m.type as TensorType) : 'unknown',
    dims: [...(m.shape ?? [])],
  }));
}

/** The same worker runs under `child_process.fork` and Electron's utilityProcess. */
function connect(): { send(message: FromWorker): void; onMessage(fn: (message: ToWorker) => void): void } {
  const parentPort = (process as { parentPort?: { postMessage(m: unknown): void; on(e: 'message', fn: (e: { data: unknown }) => void): void } }).parentPort;
  if (parentPort) {
    return { send: (m) => parentPort.postMessage(m), onMessage: (fn) => parentPort.on('message', (e) => fn(e.data as ToWorker)) };
  }
  if (!process.send) throw new Error('the inference worker must be started by its supervisor');
  process.on('disconnect', () => process.exit(0));
  return {
    send: (m) => {
      process.send?.(m);
    },
    onMessage: (fn) => process.on('message', (m) => fn(m as ToWorker)),
  };
}
