/** Reading a tensor job's answer: the demo's tensor models each give one float32 tensor, `y`. */
import { decodeTensor, type JobOutputs } from '../../../shared/protocol/payloads.ts';

export type TensorOutputs = Extract<JobOutputs, { task: 'tensor' }>;

/** The values of the only output, if it is a float32 tensor named `name` of exactly `dims`; otherwise why not. */
export function onlyFloat32(outputs: TensorOutputs, name: string, dims: readonly number[]): { values: Float32Array } | { reason: string } {
  const names = outputs.tensors.map((tensor) => tensor.name);
  const [tensor, ...extra] = outputs.tensors;
  if (!tensor || extra.length > 0 || tensor.name !== name) {
    return { reason: `expected one output tensor named ${JSON.stringify(name)}, got [${names.map((n) => JSON.stringify(n)).join(', ')}]` };
  }
  if (tensor.type !== 'float32') return { reason: `output ${name} is ${tensor.type}, expected float32` };
  if (tensor.dims.length !== dims.length || tensor.dims.some((dim, i) => dim !== dims[i])) {
    return { reason: `output ${name} has dims [${tensor.dims.join(', ')}], expected [${dims.join(', ')}]` };
  }
  const { data } = decodeTensor(tensor);
  // decodeTensor makes a Float32Array for float32; the check keeps the type honest.
  if (!(data instanceof Float32Array)) return { reason: `output ${name} could not be read as float32` };
  return { values: data };
}
