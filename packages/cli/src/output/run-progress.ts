/** What `pgsafe run` prints while the executor works: one line per event (with the elapsed time), a progress bar
 *  for index builds on a terminal, or one JSON object per line with --format json. */
import { describeEvent, describeProgress, type ExecuteEvent, type Palette } from '@pgsafe/core';

export interface EventSink {
  event(e: ExecuteEvent): void;
  /** Clears a progress bar left on screen. */
  close(): void;
}

function stamp(ms: number): string {
  return `[${(ms / 1000).toFixed(1).padStart(6)}s]`;
}

function colorFor(e: ExecuteEvent, c: Palette): (s: string) => string {
  switch (e.type) {
    case 'step-failed':
      return (s) => c.red(c.bold(s));
    case 'retry':
    case 'preflight':
    case 'blocked':
    case 'warning':
    case 'invalid-index-dropped':
      return c.yellow;
    case 'step-done':
    case 'done':
      return c.bold;
    case 'progress':
    case 'attempt':
    case 'notice':
      return c.dim;
    default:
      return (s) => s;
  }
}

/** Pretty lines on `out`. On a TTY, progress events redraw one bar line instead of adding lines. */
export function prettySink(out: NodeJS.WriteStream, c: Palette): EventSink {
  const tty = !!out.isTTY;
  let bar = false;
  const clear = () => {
    if (bar) out.write('\r\u001b[2K');
    bar = false;
  };
  return {
    event(e) {
      if (e.type === 'progress' && tty) {
        const width = 24;
        const f = e.progress.fraction;
        const filled = f === null ? 0 : Math.round(f * width);
        const gauge = f === null ? '·'.repeat(width) : `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
        const columns = out.columns || 100;
        const line = `${stamp(e.at)} step ${e.step}: ${gauge} ${describeProgress(e.progress)}`;
        out.write(`\r\u001b[2K${c.cyan(line.slice(0, columns - 1))}`);
        bar = true;
        return;
      }
      clear();
      out.write(`${c.dim(stamp(e.at))} ${colorFor(e, c)(describeEvent(e))}\n`);
    },
    close: clear,
  };
}

/** One JSON object per line: `{"type":...,"at":...}` exactly as the executor reports it. */
export function jsonSink(out: NodeJS.WriteStream): EventSink {
  return {
    event(e) {
      out.write(JSON.stringify(e) + '\n');
    },
    close() {},
  };
}
