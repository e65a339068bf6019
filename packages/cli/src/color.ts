import pc from 'picocolors';
import type { Palette } from '@pgsafe/core';

/** Color only on a TTY, never with NO_COLOR, always with FORCE_COLOR; `--no-color` wins. */
export function palette(stream: NodeJS.WriteStream, flag: boolean | undefined): Palette {
  const env = process.env;
  const enabled =
    flag !== false && !('NO_COLOR' in env && env.NO_COLOR !== '') && (('FORCE_COLOR' in env && env.FORCE_COLOR !== '0') || !!stream.isTTY);
  const c = pc.createColors(enabled);
  return { red: c.red, yellow: c.yellow, cyan: c.cyan, dim: c.dim, bold: c.bold };
}
