/** Lines of a file read in chunks, ended as node:readline ends them (crlfDelay Infinity). */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'
import { readLines } from '../../src/import/line-reader.js'

async function both(text: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'dmaplan-lines-')), 't')
  writeFileSync(file, text)
  const mine: string[] = []
  let bytes = 0
  await readLines(file, (l) => mine.push(l), (b) => {
    bytes = b
  })
  const theirs: string[] = []
  for await (const l of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) theirs.push(l)
  return { mine, theirs, bytes }
}

describe('a file read a line at a time', () => {
  it.each(['', '\n', 'a', 'a\n', 'a\nb', 'a\r\nb\r\n', 'a\rb\r', 'a\r\r\nb', '\n\na\n\n', 'x\r'])('splits %j as readline does', async (text) => {
    const { mine, theirs } = await both(text)
    expect(mine).toEqual(theirs)
  })

  it('keeps lines and characters whole across its chunks, and counts the bytes', async () => {
    const lines = Array.from({ length: 60_000 }, (_, i) => `${i} é ${'x'.repeat(i % 50)}`)
    const text = `${lines.join('\r\n')}\n`
    const { mine, bytes } = await both(text)
    expect(mine).toEqual(lines)
    expect(bytes).toBe(Buffer.byteLength(text))
  })
})
