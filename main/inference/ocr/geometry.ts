/** A rotated rectangle: centre, size along its two axes, and the unit vector of its width axis. */
export interface RotatedRect {
  cx: number;
  cy: number;
  width: number;
  height: number;
  ux: number;
  uy: number;
}

type Point = readonly [number, number];

/** Convex hull (Andrew's monotone chain), counter-clockwise. */
export function convexHull(points: Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) return sorted;
  const cross = (o: Point, a: Point, b: Point): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2] as Point, lower[lower.length - 1] as Point, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (const p of [...sorted].reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2] as Point, upper[upper.length - 1] as Point, p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/** The smallest-area rectangle around a convex hull (rotating calipers over its edges). */
export function minAreaRect(hull: Point[]): RotatedRect {
  let best: RotatedRect & { area: number } = { cx: 0, cy: 0, width: 0, height: 0, ux: 1, uy: 0, area: Number.POSITIVE_INFINITY };
  const edges = hull.length === 1 ? [[1, 0] as const] : hull.map((p, i) => {
    const q = hull[(i + 1) % hull.length] as Point;
    return [q[0] - p[0], q[1] - p[1]] as const;
  });
  for (const [ex, ey] of edges) {
    const length = Math.hypot(ex, ey);
    if (length === 0) continue;
    const [ux, uy] = [ex / length, ey / length];
    let [minU, maxU, minV, maxV] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const [x, y] of hull) {
      const u = x * ux + y * uy;
      const v = -x * uy + y * ux;
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      minV = Math.min(minV, v);
      maxV = Math.max(maxV, v);
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < best.area) {
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { cx: cu * ux - cv * uy, cy: cu * uy + cv * ux, width: maxU - minU, height: maxV - minV, ux, uy, area };
    }
  }
  const { area: _area, ...rect } = best;
  return rect;
}

/** The same rectangle described with its long side as width and its width axis pointing right (text reads left to right). */
export function normalise(rect: RotatedRect): RotatedRect {
  let { width, height, ux, uy } = rect;
  if (height > width) {
    [width, height] = [height, width];
    [ux, uy] = [-uy, ux];
  }
  if (ux < 0 || (ux === 0 && uy < 0)) [ux, uy] = [-ux, -uy];
  return { ...rect, width, height, ux, uy };
}

/** Corners: top-left, top-right, bottom-right, bottom-left (for a normalised rectangle). */
export function corners(rect: RotatedRect): [number, number][] {
  const { cx, cy, width, height, ux, uy } = rect;
  const [vx, vy] = [-uy, ux];
  const at = (su: number, sv: number): [number, number] => [cx + su * (width / 2) * ux + sv * (height / 2) * vx, cy + su * (width / 2) * uy + sv * (height / 2) * vy];
  return [at(-1, -1), at(1, -1), at(1, 1), at(-1, 1)];
}
