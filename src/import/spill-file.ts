/**
 * An append-only temporary file with a buffer in front of it: text goes to
 * disk a mebibyte at a time, synchronously, so that what waits to be written
 * never grows past that, whatever the pace of the disk.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs'

const FLUSH_AT = 1 << 20

function writeAll(fd: number, data: Uint8Array): void {
  for (let done = 0; done < data.length; ) done += writeSync(fd, data, done)
}

export class SpillFile {
  readonly #fd: number
  #buffer = ''
  #closed = false

  /** Creates the file; refuses one that exists. */
  constructor(readonly path: string) {
    this.#fd = openSync(path, 'wx+')
  }

  append(text: string): void {
    this.#buffer += text
    if (this.#buffer.length >= FLUSH_AT) this.flush()
  }

  flush(): void {
    if (this.#buffer === '') return
    writeAll(this.#fd, Buffer.from(this.#buffer, 'utf8'))
    this.#buffer = ''
  }

  /** Appends everything another spill file holds. */
  appendFile(other: SpillFile): void {
    this.flush()
    other.flush()
    const chunk = Buffer.allocUnsafe(FLUSH_AT)
    for (let at = 0; ; ) {
      const n = readSync(other.#fd, chunk, 0, chunk.length, at)
      if (n === 0) break
      writeAll(this.#fd, chunk.subarray(0, n))
      at += n
    }
  }

  close(): void {
    if (this.#closed) return
    this.flush()
    closeSync(this.#fd)
    this.#closed = true
  }

  /** Closes and deletes the file, without writing what is buffered. */
  remove(): void {
    if (!this.#closed) closeSync(this.#fd)
    this.#closed = true
    this.#buffer = ''
    rmSync(this.path, { force: true })
  }
}
