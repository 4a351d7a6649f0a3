import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import { create as createQr } from 'qrcode';
import type { Notice } from '../../domain/records.ts';
import type { NoticeRenderer } from '../../ports/outside.ts';
import { chineseDate } from '../../time.ts';

/**
 * The two weights of Noto Sans SC the notices use. pdfkit subsets them, so a notice is a few KB;
 * the Lambda bundle carries the two TTF files beside index.mjs (infra/lambdas.ts `files`).
 */
export const NOTICE_FONTS = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
} as const;

function fontFile(spec: string): string {
  const bundled = fileURLToPath(new URL(`./fonts/${spec.split('/').at(-1)}`, import.meta.url));
  return existsSync(bundled) ? bundled : createRequire(import.meta.url).resolve(spec);
}

const CN_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];


/**
 * A QR code drawn as vector squares (no image), error correction M, with its quiet zone, at the
 * left margin below what was written, and its caption beside it.
 */
function drawQr(doc: PDFKit.PDFDocument, qr: { text: string; caption: string }): void {
  const { modules } = createQr(qr.text, { errorCorrectionLevel: 'M' });
  const cell = Math.max(1.5, Math.min(3, 170 / modules.size));
  const quiet = 4 * cell;
  const side = modules.size * cell + 2 * quiet;
  if (doc.y + side + 40 > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const x0 = doc.page.margins.left;
  const y0 = doc.y + 12;
  doc.save().rect(x0, y0, side, side).fill('#ffffff').fillColor('#000000');
  for (let r = 0; r < modules.size; r++) {
    for (let c = 0; c < modules.size; c++) if (modules.get(r, c)) doc.rect(x0 + quiet + c * cell, y0 + quiet + r * cell, cell, cell);
  }
  doc.fill('#000000').restore();
  doc.font('regular').fontSize(9).fillColor('#333333').text(qr.caption, x0 + side + 12, y0 + side / 2 - 10, { width: doc.page.width - doc.page.margins.right - x0 - side - 12 });
  doc.x = x0;
  doc.y = y0 + side;
  doc.fillColor('#000000');
}

/** Renders notices (D3 standard templates) as A4 PDFs in Chinese. */
export class PdfNoticeRenderer implements NoticeRenderer {
  /** Read once per process (10 MB each): pdfkit given a path reads the file again for every notice. */
  private fonts?: { regular: Buffer; bold: Buffer };

  async render(notice: Notice): Promise<Buffer> {
    this.fonts ??= { regular: readFileSync(fontFile(NOTICE_FONTS.regular)), bold: readFileSync(fontFile(NOTICE_FONTS.bold)) };
    const doc = new PDFDocument({
      size: 'A4',
      margins: { top: 72, bottom: 72, left: 80, right: 80 },
      // No initial font: pdfkit would otherwise load Helvetica, which the bundle does not ship; the
      // notice's own fonts are registered from memory just below.
      font: '',
      info: { Title: notice.title, Author: notice.department, Subject: notice.supervisionCode, Creator: '一网通办' },
    });
    doc.registerFont('regular', this.fonts.regular);
    doc.registerFont('bold', this.fonts.bold);
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise<Buffer>((resolve, reject) => {
      doc.on('end', () => resolve(Buffer.concat(chunks)));
      doc.on('error', reject);
    });

    doc.font('bold').fontSize(20).text(notice.title, { align: 'center' });
    doc.moveDown(0.4);
    doc.font('regular').fontSize(10.5).text(`统一服务监管码：${notice.supervisionCode}`, { align: 'center' });
    doc.moveDown(1.5);
    doc.fontSize(12.5).text(`${notice.applicant}：`);
    doc.moveDown(0.5);
    for (const paragraph of notice.paragraphs) {
      doc.text(paragraph, { indent: 25, lineGap: 6, align: 'justify' });
      doc.moveDown(0.4);
    }
    if (notice.items?.length) {
      doc.moveDown(0.3);
      notice.items.forEach((item, i) => {
        doc.text(`${CN_NUMERALS[i] ?? i + 1}、${item}`, { indent: 25, lineGap: 6 });
      });
      doc.moveDown(0.4);
    }
    if (notice.closing) {
      doc.moveDown(0.3);
      doc.text(notice.closing, { indent: 25, lineGap: 6, align: 'justify' });
    }
    doc.moveDown(3);
    doc.text(notice.department, { align: 'right' });
    doc.text(chineseDate(notice.date), { align: 'right' });
    if (notice.qr) drawQr(doc, notice.qr);
    doc.moveDown(2);
    doc.fontSize(9).fillColor('#555555').text(`可凭统一服务监管码在网上办事平台查询办理进度。办件编号：${notice.caseId}`, { align: 'left' });
    doc.end();
    return done;
  }
}
