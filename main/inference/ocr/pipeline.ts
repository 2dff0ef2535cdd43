import type * as Ort from 'onnxruntime-node';
import type { OcrLine } from '../../../shared/worker-protocol.ts';
import { corners, type RotatedRect } from './geometry.ts';
import { textRegions } from './detect.ts';
import { rotate180, sample, toTensor, type RgbImage } from './image.ts';

type Session = Awaited<ReturnType<typeof Ort.InferenceSession.create>>;

export interface OcrSessions {
  det: Session;
  cls: Session;
  rec: Session;
  /** Index 0 is CTC's blank; then the dictionary; then a space. */
  alphabet: string[];
}


const DET_MEAN = [0.485, 0.456, 0.406];
const DET_STD = [0.229, 0.224, 0.225];
const HALF = [0.5, 0.5, 0.5];
/** The detector sees the image with its long side at most this, in multiples of 32. */
const DET_MAX_SIDE = 960;

export function alphabetFrom(keys: string): string[] {
  const lines = keys.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return ['', ...lines, ' '];
}

/** PaddleOCR's pipeline: detect text regions, turn upside-down ones, recognise each. */
export async function recognise(ort: typeof Ort, sessions: OcrSessions, image: RgbImage): Promise<OcrLine[]> {
  const scale = Math.min(1, DET_MAX_SIDE / Math.max(image.width, image.height));
  const detW = Math.max(32, Math.round((image.width * scale) / 32) * 32);
  const detH = Math.max(32, Math.round((image.height * scale) / 32) * 32);
  const detInput = new ort.Tensor('float32', toTensor(image, detW, detH, DET_MEAN, DET_STD), [1, 3, detH, detW]);
  const detOut = await sessions.det.run({ [sessions.det.inputNames[0] ?? 'x']: detInput });
  const map = detOut[sessions.det.outputNames[0] ?? '']?.data as Float32Array;
  const regions = textRegions(map, detW, detH, image.width / detW, image.height / detH);

  const lines: OcrLine[] = [];
  for (const region of regions) {
    let crop = cropRegion(image, region);
    const rotated = await isUpsideDown(ort, sessions.cls, crop);
    if (rotated) crop = rotate180(crop);
    const { text, confidence } = await readLine(ort, sessions, crop);
    if (text.trim() === '') continue;
    lines.push({ text, confidence, box: corners(region).map(([x, y]) => [Math.round(x * 10) / 10, Math.round(y * 10) / 10]), rotated });
  }
  return lines;
}

/** The region straightened into its own image (bilinear sampling along the rectangle's axes). */
function cropRegion(image: RgbImage, rect: RotatedRect): RgbImage {
  const width = Math.max(1, Math.round(rect.width));
  const height = Math.max(1, Math.round(rect.height));
  const [vx, vy] = [-rect.uy, rect.ux];
  const data = new Uint8Array(width * height * 3);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const su = i + 0.5 - width / 2;
      const sv = j + 0.5 - height / 2;
      const x = rect.cx + su * rect.ux + sv * vx - 0.5;
      const y = rect.cy + su * rect.uy + sv * vy - 0.5;
      for (let c = 0; c < 3; c++) data[(j * width + i) * 3 + c] = Math.round(sample(image, x, y, c));
    }
  }
  return { width, height, data };
}

async function isUpsideDown(ort: typeof Ort, cls: Session, crop: RgbImage): Promise<boolean> {
  const [H, W] = [48, 192];
  const contentWidth = Math.min(W, Math.max(1, Math.ceil((H * crop.width) / crop.height)));
  const input = new ort.Tensor('float32', toTensor(crop, W, H, HALF, HALF, contentWidth), [1, 3, H, W]);
  const out = (await cls.run({ [cls.inputNames[0] ?? 'x']: input }))[cls.outputNames[0] ?? '']?.data as Float32Array;
  return (out[1] ?? 0) > 0.9 && (out[1] ?? 0) > (out[0] ?? 0);
}

async function readLine(ort: typeof Ort, sessions: OcrSessions, crop: RgbImage): Promise<{ text: string; confidence: number }> {
  const H = 48;
  const contentWidth = Math.max(1, Math.ceil((H * crop.width) / crop.height));
  const W = Math.max(320, Math.ceil(contentWidth / 8) * 8);
  const input = new ort.Tensor('float32', toTensor(crop, W, H, HALF, HALF, contentWidth), [1, 3, H, W]);
  const output = (await sessions.rec.run({ [sessions.rec.inputNames[0] ?? 'x']: input }))[sessions.rec.outputNames[0] ?? ''];
  if (!output) return { text: '', confidence: 0 };
  const [, steps = 0, classes = 0] = output.dims;
  const probs = output.data as Float32Array;
  // CTC greedy decoding: best class per step, repeats collapsed, blanks dropped.
  let text = '';
  let total = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestP = -Infinity;
    for (let k = 0; k < classes; k++) {
      const p = probs[t * classes + k] ?? 0;
      if (p > bestP) {
        bestP = p;
        best = k;
      }
    }
    if (best !== 0 && best !== previous) {
      text += sessions.alphabet[best] ?? '';
      total += bestP;
      kept++;
    }
    previous = best;
  }
  return { text, confidence: kept > 0 ? total / kept : 0 };
}
