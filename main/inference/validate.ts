import type { TensorSpec, TensorType, WireTensor } from '../../shared/worker-protocol.ts';

export class InputError extends Error {
  override name = 'InputError';
}

const arrayTypes: Record<TensorType, string> = {
  float32: 'Float32Array',
  float64: 'Float64Array',
  int32: 'Int32Array',
  int64: 'BigInt64Array',
  uint8: 'Uint8Array',
  int8: 'Int8Array',
  bool: 'Uint8Array',
};

/** Every dimension a whole number, at most this many elements in one tensor (2^31: ONNX Runtime's practical ceiling). */
const MAX_ELEMENTS = 2 ** 31 - 1;

/**
 * Checks a job's tensors against the model's declared inputs before anything
 * runs: the same names, dtypes, ranks and fixed dimensions, data that fills the
 * shape exactly, and the size limit. Throws InputError with one specific reason.
 */
export function validateInputs(specs: readonly TensorSpec[], inputs: Record<string, WireTensor>, maxBytes: number): void {
  const declared = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(inputs)) {
    if (!declared.has(name)) throw new InputError(`unknown input "${name}"; the model takes ${[...declared].map((n) => `"${n}"`).join(', ')}`);
  }
  let total = 0;
  const symbols = new Map<string, number>();
  for (const spec of specs) {
    const tensor = inputs[spec.name];
    if (!tensor) throw new InputError(`missing input "${spec.name}"`);
    if (spec.type !== 'unknown' && tensor.type !== spec.type) {
      throw new InputError(`input "${spec.name}" must be ${spec.type}, not ${tensor.type}`);
    }
    const expectedArray = arrayTypes[tensor.type];
    if (tensor.data?.constructor?.name !== expectedArray) {
      throw new InputError(`input "${spec.name}" of type ${tensor.type} must carry a ${expectedArray}`);
    }
    if (!Array.isArray(tensor.dims) || !tensor.dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new InputError(`input "${spec.name}" has invalid dimensions ${JSON.stringify(tensor.dims)}`);
    }
    if (spec.dims.length > 0 && tensor.dims.length !== spec.dims.length) {
      throw new InputError(`input "${spec.name}" must have ${spec.dims.length} dimensions [${spec.dims.join(', ')}], not ${tensor.dims.length} [${tensor.dims.join(', ')}]`);
    }
    spec.dims.forEach((dim, axis) => {
      const given = tensor.dims[axis] ?? -1;
      if (typeof dim === 'number') {
        if (given !== dim) throw new InputError(`input "${spec.name}" dimension ${axis} must be ${dim}, not ${given}`);
      } else if (dim !== '') {
        const seen = symbols.get(dim);
        if (seen !== undefined && seen !== given) throw new InputError(`dimension "${dim}" is ${seen} elsewhere but ${given} in input "${spec.name}"`);
        symbols.set(dim, given);
      }
    });
    const elements = tensor.dims.reduce((a, b) => a * b, 1);
    if (elements > MAX_ELEMENTS) throw new InputError(`input "${spec.name}" has ${elements} elements, more than ${MAX_ELEMENTS}`);
    if (tensor.data.length !== elements) {
      throw new InputError(`input "${spec.name}" has ${tensor.data.length} values for shape [${tensor.dims.join(', ')}] (${elements} expected)`);
    }
    total += tensor.data.byteLength;
    if (total > maxBytes) throw new InputError(`inputs exceed the size limit of ${maxBytes} bytes`);
  }
}
