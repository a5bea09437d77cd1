import type { Page } from 'playwright-core';

// The function below runs in the page: the few browser globals it uses, typed here (module scope, not global).
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    drawImage(image: Img, x: number, y: number): void;
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  } | null;
}
interface Img {
  src: string;
  width: number;
  height: number;
  decode(): Promise<void>;
}
declare const document: { createElement(tag: 'canvas'): Canvas };
declare const Image: new () => Img;

export interface PixelStats {
  width: number;
  height: number;
  /** Standard deviation of the grey level (0..255): near 0 for a blank or single-colour image. */
  stdDev: number;
  /** How many distinct colours (quantised to 4 bits a channel) the image has. */
  colours: number;
}

/** Decodes a PNG in the browser (no image library needed here) and measures how much it varies. */
export async function pixelStats(page: Page, png: Buffer): Promise<PixelStats> {
  return page.evaluate(
    async (dataUrl) => {
      const image = new Image();
      image.src = dataUrl;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d');
      if (!context) throw new Error('no 2d canvas');
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      let sum = 0;
      let sumSquares = 0;
      const colours = new Set<number>();
      const pixels = data.length / 4;
      for (let i = 0; i < data.length; i += 4) {
        const r = data[i] ?? 0;
        const g = data[i + 1] ?? 0;
        const b = data[i + 2] ?? 0;
        const grey = 0.299 * r + 0.587 * g + 0.114 * b;
        sum += grey;
        sumSquares += grey * grey;
        colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
      }
      const mean = sum / pixels;
      return {
        width: image.width,
        height: image.height,
        stdDev: Math.sqrt(Math.max(0, sumSquares / pixels - mean * mean)),
        colours: colours.size,
      };
    },
    `data:image/png;base64,${png.toString('base64')}`,
  );
}
