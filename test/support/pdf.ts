import { createRequire } from 'node:module';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

// jsQR is CommonJS whose types declare a default export: required, it is the function itself.
const jsQR: typeof import('jsqr').default = createRequire(import.meta.url)('jsqr');

/**
 * The text a PDF's pages show, as PDF.js (Mozilla's renderer) reads it from the page content
 * streams — what a reader sees printed, not the document's metadata. Page by page.
 */
export async function pdfPageTexts(bytes: Uint8Array): Promise<string[]> {
  const task = getDocument({ data: new Uint8Array(bytes), useSystemFonts: false });
  const doc = await task.promise;
  try {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      pages.push(content.items.map((i) => ('str' in i ? i.str : '')).join(''));
    }
    return pages;
  } finally {
    await task.destroy();
  }
}

/**
 * The QR codes a PDF's first page draws, decoded by jsQR (an independent decoder): PDF.js reads the
 * filled squares from the page's drawing operations (the renderer draws a code as vector squares),
 * they are laid on a bitmap as they sit on the page, and jsQR reads it as a camera image.
 */
export async function qrCodesOf(bytes: Uint8Array): Promise<string[]> {
  const task = getDocument({ data: new Uint8Array(bytes), useSystemFonts: false });
  const doc = await task.promise;
  try {
    const ops = await (await doc.getPage(1)).getOperatorList();
    const squares: Array<{ x: number; y: number; side: number }> = [];
    ops.fnArray.forEach((fn, i) => {
      if (fn !== OPS.constructPath) return;
      // PDF.js's path data: 0 moveTo x y, 1 lineTo x y, 4 closePath.
      const data = Object.values((ops.argsArray[i] as [number, Array<Record<string, number>>])[1][0] ?? {});
      let xs: number[] = [];
      let ys: number[] = [];
      for (let k = 0; k < data.length; ) {
        const op = data[k++];
        if (op === 0 || op === 1) {
          xs.push(data[k++]!);
          ys.push(data[k++]!);
        } else if (op === 4) {
          const side = Math.max(...xs) - Math.min(...xs);
          if (Math.abs(side - (Math.max(...ys) - Math.min(...ys))) < 0.01 && side < 10) squares.push({ x: Math.min(...xs), y: Math.min(...ys), side });
          xs = [];
          ys = [];
        } else return;
      }
    });
    if (!squares.length) return [];
    const cell = Math.min(...squares.map((s) => s.side));
    const minX = Math.min(...squares.map((s) => s.x));
    const minY = Math.min(...squares.map((s) => s.y));
    const modules = Math.round((Math.max(...squares.map((s) => s.x)) - minX) / cell) + 1;
    const scale = 4;
    const quiet = 4;
    const size = (modules + 2 * quiet) * scale;
    const pixels = new Uint8ClampedArray(size * size * 4).fill(255);
    for (const s of squares) {
      const col = Math.round((s.x - minX) / cell) + quiet;
      const row = Math.round((s.y - minY) / cell) + quiet;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const o = ((row * scale + dy) * size + col * scale + dx) * 4;
          pixels[o] = pixels[o + 1] = pixels[o + 2] = 0;
        }
      }
    }
    const found = jsQR(pixels, size, size);
    return found ? [found.data] : [];
  } finally {
    await task.destroy();
  }
}
