import pc from 'picocolors';
import type { Palette } from '@pgsafe/core';

/** Color only on a TTY, never with NO_COLOR, always with FORCE_COLOR; `--no-color` wins. */
export function colorEnabled(stream: NodeJS.WriteStream, flag: boolean | undefined): boolean {
  const env = process.env;
  const forced = !!env.FORCE_COLOR && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return flag !== false && !env.NO_COLOR && (forced || !!stream.isTTY);
}

export function palette(enabled: boolean): Palette {
  const c = pc.createColors(enabled);
  return { red: c.red, yellow: c.yellow, cyan: c.cyan, dim: c.dim, bold: c.bold };
}
