import { convexHull, minAreaRect, normalise, type RotatedRect } from './geometry.ts';

export interface DetectOptions {
  /** Pixels above this probability are text. */
  threshold: number;
  /** A region's mean probability must reach this. */
  boxThreshold: number;
  /** How far to grow a region's rectangle (DB's "unclip"), relative to area/perimeter. */
  unclipRatio: number;
  /** Regions smaller than this (short side, pixels of the map) are noise. */
  minSize: number;
}

export const DEFAULT_DETECT: DetectOptions = { threshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, minSize: 3 };

/**
 * DB post-processing of the detector's probability map: connected text
 * regions → the smallest rotated rectangle around each → grown by the unclip
 * distance → in the original image's coordinates (`scaleX`, `scaleY`).
 */
export function textRegions(map: Float32Array, width: number, height: number, scaleX: number, scaleY: number, options = DEFAULT_DETECT): (RotatedRect & { score: number })[] {
  const seen = new Uint8Array(width * height);
  const regions: (RotatedRect & { score: number })[] = [];
  const stack: number[] = [];
  for (let start = 0; start < map.length; start++) {
    if (seen[start] || (map[start] ?? 0) <= options.threshold) continue;
    // Flood fill one region (8-connected), keeping its boundary pixels for the hull.
    const boundary: [number, number][] = [];
    let sum = 0;
    let count = 0;
    stack.push(start);
    seen[start] = 1;
    while (stack.length > 0) {
      const index = stack.pop() ?? 0;
      const x = index % width;
      const y = (index - x) / width;
      sum += map[index] ?? 0;
      count++;
      let edge = false;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if (dx === 0 && dy === 0) continue;
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) {
            edge = true;
            continue;
          }
          const n = ny * width + nx;
          if ((map[n] ?? 0) <= options.threshold) {
            edge = true;
            continue;
          }
          if (!seen[n]) {
            seen[n] = 1;
            stack.push(n);
          }
        }
      }
      if (edge) boundary.push([x, y], [x + 1, y], [x, y + 1], [x + 1, y + 1]); // pixel corners
    }
    const score = sum / count;
    if (score < options.boxThreshold || count < 4) continue;
    const rect = minAreaRect(convexHull(boundary));
    if (Math.min(rect.width, rect.height) < options.minSize) continue;
    const distance = (rect.width * rect.height * options.unclipRatio) / (2 * (rect.width + rect.height));
    const grown = normalise({ ...rect, width: rect.width + 2 * distance, height: rect.height + 2 * distance });
    // Into the original image: scale the centre and both axes (non-uniform scale bends angles slightly; fine for text lines).
    const [ax, ay] = [grown.ux * grown.width * scaleX, grown.uy * grown.width * scaleY];
    const [bx, by] = [-grown.uy * grown.height * scaleX, grown.ux * grown.height * scaleY];
    const widthOut = Math.hypot(ax, ay);
    regions.push({
      cx: grown.cx * scaleX,
      cy: grown.cy * scaleY,
      width: widthOut,
      height: Math.hypot(bx, by),
      ux: ax / widthOut,
      uy: ay / widthOut,
      score,
    });
  }
  // Reading order: top to bottom, then left to right within a line.
  return regions.sort((a, b) => (Math.abs(a.cy - b.cy) < Math.min(a.height, b.height) / 2 ? a.cx - b.cx : a.cy - b.cy));
}
