import { BraidError } from './errors.js';

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** Bytes of a size like `4G`, `512M`, `1.5G` or `1048576` (binary units, as cgroups and `free` use). */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(text);
  if (!m) {
    throw new BraidError(
      'E_CONFIG',
      `'${text}' is not a size`,
      'Write a size like 4G, 512M or 1.5G (K, M, G, T are powers of 1024).',
    );
  }
  const bytes = Math.floor(Number(m[1]) * UNITS[m[2].toUpperCase()]);
  if (bytes <= 0) throw new BraidError('E_CONFIG', `'${text}' is not a positive size`);
  return bytes;
}
