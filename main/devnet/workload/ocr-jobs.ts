/**
 * paddleocr/ppocr-v4 jobs: one image of the committed corpus
 * (resources/devnet/ocr/), whose text is known. PP-OCRv4's Chinese/English
 * recogniser often drops or adds a space between English words and a
 * detector may split a line in two, so the answer is compared as one text
 * with all whitespace removed: every character and their order must match.
 */
import type { JobInputs, JobOutputs } from '../../../shared/protocol/payloads.ts';
import type { Random } from './random.ts';
import type { CheckResult } from './types.ts';
import { accept, quote, refuse } from './verdict.ts';

export interface OcrDocument {
  file: string;
  /** The known text, top to bottom. */
  lines: readonly string[];
  /** The PNG, as base64 (encoded once, shared by every job of this image). */
  image: string;
}

export interface OcrExpected {
  kind: 'ocr';
  file: string;
  lines: readonly string[];
}

const squash = (text: string): string => text.replace(/\s+/g, '');

export function ocrJob(random: Random, corpus: readonly OcrDocument[]): { inputs: JobInputs; expected: OcrExpected } {
  const document = corpus[random.int(0, corpus.length - 1)];
  if (!document) throw new Error('the OCR corpus is empty');
  return { inputs: { task: 'ocr', image: document.image }, expected: { kind: 'ocr', file: document.file, lines: document.lines } };
}

export function checkOcr(expected: OcrExpected, outputs: Extract<JobOutputs, { task: 'ocr' }>): CheckResult {
  const want = squash(expected.lines.join(''));
  const read = outputs.lines.map((line) => line.text);
  if (squash(read.join('')) === want) return accept;
  return refuse(`${expected.file} reads ${quote(expected.lines.join(' / '))}; the result read ${quote(read.join(' / '))}`);
}
