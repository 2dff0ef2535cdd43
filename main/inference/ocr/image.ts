import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { InputError } from '../validate.ts';
import { errorMessage } from '../../../shared/errors.ts';

/** An 8-bit RGB image, row-major. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** The largest image a job may send: 40 megapixels. */
export const MAX_PIXELS = 40_000_000;

/** Decodes PNG or JPEG bytes (by their magic, not a claimed type); anything else or anything broken is an InputError. */
export function decodeImage(bytes: Uint8Array): RgbImage {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let rgba: { width: number; height: number; data: Uint8Array };
  if (buffer.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    if (buffer.length < 24) throw new InputError('the PNG image is damaged: it ends inside its header');
    const width = buffer.readUInt32BE(16);
    const height = buffer.readUInt32BE(20);
    if (width * height > MAX_PIXELS) throw new InputError(`the image is ${width}×${height}, more than ${MAX_PIXELS / 1e6} megapixels`);
    try {
      rgba = PNG.sync.read(buffer);
    } catch (error) {
      throw new InputError(`the PNG image is damaged: ${errorMessage(error)}`);
    }
  } else if (buffer[0] === 0xff && buffer[1] === 0xd8) {
    try {
      rgba = jpeg.decode(buffer, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
    } catch (error) {
      throw new InputError(`the JPEG image is damaged: ${errorMessage(error)}`);
    }
  } else {
    throw new InputError('the image is neither PNG nor JPEG');
  }
  if (rgba.width < 1 || rgba.height < 1) throw new InputError('the image is empty');
  const data = new Uint8Array(rgba.width * rgba.height * 3);
  for (let i = 0, j = 0; i < data.length; i += 3, j += 4) {
    // Transparent pixels count as white paper.
    const a = (rgba.data[j + 3] ?? 255) / 255;
    data[i] = Math.round((rgba.data[j] ?? 0) * a + 255 * (1 - a));
    data[i + 1] = Math.round((rgba.data[j + 1] ?? 0) * a + 255 * (1 - a));
    data[i + 2] = Math.round((rgba.data[j + 2] ?? 0) * a + 255 * (1 - a));
  }
  return { width: rgba.width, height: rgba.height, data };
}

/** Bilinear sample of channel `c` at (x, y), clamped to the edges. */
export function sample(image: RgbImage, x: number, y: number, c: number): number {
  const x0 = Math.max(0, Math.min(image.width - 1, Math.floor(x)));
  const y0 = Math.max(0, Math.min(image.height - 1, Math.floor(y)));
  const x1 = Math.min(image.width - 1, x0 + 1);
  const y1 = Math.min(image.height - 1, y0 + 1);
  const fx = Math.max(0, Math.min(1, x - x0));
  const fy = Math.max(0, Math.min(1, y - y0));
  const at = (xx: number, yy: number): number => image.data[(yy * image.width + xx) * 3 + c] ?? 0;
  return (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) + (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy;
}

/**
 * An NCHW float tensor of `image` resized to `width`×`height`, each channel
 * normalised as (v/255 − mean)/std, channels in BGR order (PaddleOCR's models
 * were trained on OpenCV's BGR images). Columns past `contentWidth` stay 0.
 */
export function toTensor(image: RgbImage, width: number, height: number, mean: readonly number[], std: readonly number[], contentWidth = width): Float32Array {
  const out = new Float32Array(3 * width * height);
  const sx = image.width / contentWidth;
  const sy = image.height / height;
  const plane = width * height;
  for (let y = 0; y < height; y++) {
    const srcY = (y + 0.5) * sy - 0.5;
    for (let x = 0; x < contentWidth; x++) {
      const srcX = (x + 0.5) * sx - 0.5;
      for (let c = 0; c < 3; c++) {
        const bgr = 2 - c;
        out[c * plane + y * width + x] = (sample(image, srcX, srcY, bgr) / 255 - (mean[c] ?? 0)) / (std[c] ?? 1);
      }
    }
  }
  return out;
}

/** The image rotated by 180°. */
export function rotate180(image: RgbImage): RgbImage {
  const data = new Uint8Array(image.data.length);
  const pixels = image.width * image.height;
  for (let p = 0; p < pixels; p++) {
    const q = pixels - 1 - p;
    data[q * 3] = image.data[p * 3] ?? 0;
    data[q * 3 + 1] = image.data[p * 3 + 1] ?? 0;
    data[q * 3 + 2] = image.data[p * 3 + 2] ?? 0;
  }
  return { width: image.width, height: image.height, data };
}
