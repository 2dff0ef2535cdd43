// Renders the local network's OCR corpus (run once; the PNGs and texts.json are committed):
//   node resources/devnet/render-ocr.mjs
// Short document snippets — invoices, receipts, tickets, addresses — black on
// white in the system fonts, rasterised by Chromium so the glyphs are real
// font rendering. Every text here was checked against the real OCR pipeline
// (tests/main/devnet/workload/): PP-OCRv4 reads each one exactly, spaces aside.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const here = join(dirname(fileURLToPath(import.meta.url)), 'ocr');

/** One image each: its lines, top to bottom, and how they are set. */
const DOCUMENTS = [
  { file: 'invoice.png', font: 'DejaVu Sans', size: 34, lines: ['Invoice No. 2026-0412', 'Total due 1,284.50 EUR'] },
  { file: 'receipt.png', font: 'DejaVu Sans Mono', size: 30, lines: ['Coffee and pastry 7.80', 'Paid by card on 03/14/2026'] },
  { file: 'shipping.png', font: 'Liberation Sans', size: 36, lines: ['Order 48213 has shipped', 'Expected delivery: Friday'] },
  { file: 'address.png', font: 'DejaVu Serif', size: 34, lines: ['221B Baker Street', 'London NW1 6XE'] },
  { file: 'meeting.png', font: 'Liberation Serif', size: 38, lines: ['Quarterly review at 10:30', 'Room 4, second floor'] },
  { file: 'statement.png', font: 'DejaVu Sans', size: 32, lines: ['Account balance 15,902.17', 'Statement period: March 2026'] },
  { file: 'pharmacy.png', font: 'Liberation Sans', size: 34, lines: ['Take two tablets daily', 'Refills remaining: 3'] },
  { file: 'ticket.png', font: 'DejaVu Sans', size: 34, lines: ['Train 1742 to Hamburg', 'Platform 9, seat 64'] },
  { file: 'notice.png', font: 'Liberation Sans', size: 40, lines: ['Please keep this door closed'] },
  { file: 'utility.png', font: 'DejaVu Serif', size: 32, lines: ['Electricity usage 342 kWh', 'Due date 28 April 2026'] },
  { file: 'thanks.png', font: 'Liberation Serif', size: 42, lines: ['Thank you for your order!'] },
  { file: 'contact.png', font: 'DejaVu Sans Mono', size: 30, lines: ['Phone +1 415 555 0192', 'support@example.com'] },
];

const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const browser = await chromium.launch({ executablePath: process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 900, height: 300 } });
for (const doc of DOCUMENTS) {
  const lines = doc.lines.map((line) => `<div style="margin:0 0 ${Math.round(doc.size * 0.8)}px">${escape(line)}</div>`).join('');
  // inline-block: the element's box is the text's, so the screenshot is no larger than the snippet.
  await page.setContent(`<html><body style="margin:0;background:#fff">
    <div id="doc" style="display:inline-block;padding:24px 28px 4px;font:${doc.size}px '${doc.font}';color:#111;background:#fff;white-space:nowrap">${lines}</div></body></html>`);
  await page.locator('#doc').screenshot({ path: join(here, doc.file) });
}
await browser.close();
writeFileSync(join(here, 'texts.json'), `${JSON.stringify(DOCUMENTS.map(({ file, lines }) => ({ file, lines })), null, 2)}\n`);
