import { writeSync } from 'node:fs';

/** Buffers output and writes it in large synchronous chunks: a report can be tens of megabytes. Text is encoded
 *  straight into one reused buffer; joining the pieces into a string first cost ten times as much (bench/). */
export class ChunkedWriter {
  readonly #buffer: Buffer;
  #used = 0;

  constructor(
    private readonly fd: number,
    chunk = 1 << 20,
  ) {
    this.#buffer = Buffer.allocUnsafe(chunk);
  }

  write(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8 (a surrogate pair, 2 units, takes 4).
    const worst = text.length * 3;
    if (this.#used + worst > this.#buffer.length) this.flush();
    if (worst > this.#buffer.length) {
      this.#writeAll(Buffer.from(text, 'utf8'));
      return;
    }
    this.#used += this.#buffer.write(text, this.#used, 'utf8');
  }

  flush(): void {
    if (this.#used === 0) return;
    this.#writeAll(this.#buffer.subarray(0, this.#used));
    this.#used = 0;
  }

  #writeAll(data: Buffer): void {
    // A pipe may accept a partial write (or be momentarily full); keep writing until everything is out.
    while (data.length > 0) {
      try {
        data = data.subarray(writeSync(this.fd, data));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      }
    }
  }
}
