import { PNG } from 'pngjs';

type Rgba = readonly [number, number, number, number];

/** Operate Hub's accent (also the manifest's accentColor). */
export const ACCENT_HEX = '#2B5797';
const accent: Rgba = [0x2b, 0x57, 0x97, 255];
const white: Rgba = [255, 255, 255, 255];

interface Shape {
  /** Signed distance from the point to the shape's edge (negative = inside), in icon units (0..1). */
  distance(x: number, y: number): number;
}

const circle = (cx: number, cy: number, r: number): Shape => ({ distance: (x, y) => Math.hypot(x - cx, y - cy) - r });

function segment(ax: number, ay: number, bx: number, by: number, halfWidth: number): Shape {
  return {
    distance: (x, y) => {
      const [dx, dy] = [bx - ax, by - ay];
      const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
      return Math.hypot(x - (ax + t * dx), y - (ay + t * dy)) - halfWidth;
    },
  };
}

function roundedSquare(margin: number, radius: number): Shape {
  return {
    distance: (x, y) => {
      const half = 0.5 - margin;
      const qx = Math.abs(x - 0.5) - (half - radius);
      const qy = Math.abs(y - 0.5) - (half - radius);
      return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
    },
  };
}

/** The hub glyph: a centre node wired to three satellites. */
function hubGlyph(scale: number): Shape[] {
  const c = 0.5;
  const at = (deg: number, r: number): [number, number] => [c + Math.cos((deg * Math.PI) / 180) * r * scale, c + Math.sin((deg * Math.PI) / 180) * r * scale];
  const satellites = [-90, 30, 150].map((deg) => at(deg, 0.3));
  return [
    circle(c, c, 0.12 * scale),
    ...satellites.map(([x, y]) => circle(x, y, 0.085 * scale)),
    ...satellites.map(([x, y]) => segment(c, c, x, y, 0.03 * scale)),
  ];
}

/** Coverage of a pixel by any shape, 4x4 supersampled (smooth edges without a graphics library). */
function coverage(shapes: Shape[], px: number, py: number, size: number): number {
  let inside = 0;
  for (let sy = 0; sy < 4; sy += 1) {
    for (let sx = 0; sx < 4; sx += 1) {
      const x = (px + (sx + 0.5) / 4) / size;
      const y = (py + (sy + 0.5) / 4) / size;
      if (shapes.some((s) => s.distance(x, y) <= 0)) inside += 1;
    }
  }
  return inside / 16;
}

function paint(size: number, layers: { shapes: Shape[]; color: Rgba }[]): Buffer {
  const png = new PNG({ width: size, height: size, colorType: 6 });
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      let [r, g, b, a] = [0, 0, 0, 0];
      for (const layer of layers) {
        const alpha = coverage(layer.shapes, x, y, size) * (layer.color[3] / 255);
        if (alpha === 0) continue;
        const outA = alpha + a * (1 - alpha);
        [r, g, b] = [0, 1, 2].map((i) => ((layer.color[i] ?? 0) * alpha + [r, g, b][i]! * a * (1 - alpha)) / outA) as [number, number, number];
        a = outA;
      }
      const offset = (y * size + x) * 4;
      png.data[offset] = Math.round(r);
      png.data[offset + 1] = Math.round(g);
      png.data[offset + 2] = Math.round(b);
      png.data[offset + 3] = Math.round(a * 255);
    }
  }
  return PNG.sync.write(png);
}

/** 192x192 full-colour icon: white hub on an accent rounded square. */
export function colorIcon(): Buffer {
  return paint(192, [{ shapes: [roundedSquare(0, 0.18)], color: accent }, { shapes: hubGlyph(1), color: white }]);
}

/** 32x32 outline icon: white on transparent only, as Teams requires. */
export function outlineIcon(): Buffer {
  return paint(32, [{ shapes: hubGlyph(1.15), color: white }]);
}
