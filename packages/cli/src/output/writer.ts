import { writeSync } from 'node:fs';

/** Buffers output and writes it in large synchronous chunks: a report can be tens of megabytes, and holding it
 *  whole (then copying it into one string) costs memory and garbage collection. */
export class ChunkedWriter {
  #parts: string[] = [];
  #size = 0;

  constructor(
    private readonly fd: number,
    private readonly chunk = 1 << 20,
  ) {}

  write(text: string): void {
    this.#parts.push(text);
    this.#size += text.length;
    if (this.#size >= this.chunk) this.flush();
  }

  flush(): void {
    if (this.#size === 0) return;
    const data = this.#parts.join('');
    this.#parts = [];
    this.#size = 0;
    let buffer = Buffer.from(data, 'utf8');
    // A pipe may accept a partial write (or be momentarily full); keep writing until everything is out.
    while (buffer.length > 0) {
      try {
        buffer = buffer.subarray(writeSync(this.fd, buffer));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      }
    }
  }
}
