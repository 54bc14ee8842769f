import { existsSync, readFileSync } from 'node:fs';

/** One line of an exporter's JSONL dead-letter file, as an operator reads it. */
export interface Letter {
  exporter: string;
  reason: string;
  status?: number;
  items: number;
  record?: unknown;
  body?: string;
  body_base64?: string;
}

/** Every letter in the file so far (none when it does not exist yet). */
export function readLetters(path: string): Letter[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Letter);
}

/** Items accounted for by the letters: the sum of their `items`. */
export function letterItems(letters: Letter[]): number {
  return letters.reduce((n, l) => n + l.items, 0);
}
