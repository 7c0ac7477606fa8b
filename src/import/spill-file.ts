/**
 * An append-only temporary file with a buffer in front of it: text goes to
 * disk a mebibyte at a time, written in the background (libuv's threads) so
 * that the disk works while the trace is parsed; `pending` says how much is
 * on its way, for the reader to wait when the disk falls behind (bounded
 * memory), and `settled()` waits for all of it.
 */
import { closeSync, openSync, readSync, rmSync, write, writeSync } from 'node:fs'

const FLUSH_AT = 1 << 20

function writeAll(fd: number, data: Uint8Array): void {
  for (let done = 0; done < data.length; ) done += writeSync(fd, data, done)
}

function writeInBackground(fd: number, data: Uint8Array, from = 0): Promise<void> {
  return new Promise<number>((done, fail) => write(fd, data, from, data.length - from, null, (e, n) => (e === null ? done(n) : fail(e)))).then((n) =>
    from + n < data.length ? writeInBackground(fd, data, from + n) : undefined,
  )
}

export class SpillFile {
  readonly #fd: number
  #buffer = ''
  #closed = false
  /** The writes in order: each starts when the one before has ended (they append at the file's position). */
  #queue: Promise<void> = Promise.resolve()
  #failure: Error | undefined
  /** Bytes flushed and not yet written. */
  pending = 0

  /** Creates the file; refuses one that exists. */
  constructor(readonly path: string) {
    this.#fd = openSync(path, 'wx+')
  }

  append(text: string): void {
    this.#buffer += text
    if (this.#buffer.length >= FLUSH_AT) this.flush()
  }

  /** Hands what is buffered to the disk. */
  flush(): void {
    if (this.#buffer === '') return
    const data = Buffer.from(this.#buffer, 'utf8')
    this.#buffer = ''
    this.pending += data.length
    this.#queue = this.#queue.then(
      () => (this.#failure === undefined ? writeInBackground(this.#fd, data) : undefined),
    ).then(
      () => {
        this.pending -= data.length
      },
      (e: Error) => {
        this.pending -= data.length
        this.#failure ??= e
      },
    )
  }

  /** Waits until everything flushed is written; throws the first failure to write. */
  async settled(): Promise<void> {
    await this.#queue
    if (this.#failure !== undefined) throw this.#failure
  }

  /** Appends everything another spill file holds (both settled first). */
  async appendFile(other: SpillFile): Promise<void> {
    this.flush()
    other.flush()
    await this.settled()
    await other.settled()
    const chunk = Buffer.allocUnsafe(FLUSH_AT)
    for (let at = 0; ; ) {
      const n = readSync(other.#fd, chunk, 0, chunk.length, at)
      if (n === 0) break
      writeAll(this.#fd, chunk.subarray(0, n))
      at += n
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.flush()
    await this.settled()
    closeSync(this.#fd)
    this.#closed = true
  }

  /** Deletes the file, without writing what is buffered (once the writes under way have ended: the descriptor must not be reused under them). */
  async remove(): Promise<void> {
    this.#buffer = ''
    await this.#queue
    if (!this.#closed) closeSync(this.#fd)
    this.#closed = true
    rmSync(this.path, { force: true })
  }
}
