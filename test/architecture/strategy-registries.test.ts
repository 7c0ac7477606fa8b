/**
 * A strategy's folder is its registration: the simulator's and the generator's
 * registries are written from the folders (scripts/strategy-registries.mjs),
 * and the committed copies must be the current ones.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FOLDERS } from '../../src/strategies/folders.js'
import { STRATEGY_NAMES } from '../../src/strategies/index.js'
import { ROOT } from '../support/fixtures.js'

interface Generator {
  strategyFolders(): string[]
  registries(names?: string[]): Map<string, string>
}
const generator = (await import(join(ROOT, 'scripts/strategy-registries.mjs'))) as Generator

describe('strategy registries', () => {
  it('hold every folder under src/strategies/, and DESCRIPTORS lists the same strategies', () => {
    expect(generator.strategyFolders()).toEqual([...STRATEGY_NAMES].sort())
  })
  it('name each descriptor after its folder', () => {
    expect(Object.entries(FOLDERS).filter(([folder, d]) => folder !== d.name)).toEqual([])
  })
  it.each([...generator.registries()])('%s is the folders as they are (npm run schema writes it)', (file, text) => {
    expect(readFileSync(join(ROOT, file), 'utf8')).toBe(text)
  })
  it('refuse a folder that lacks one of its files', () => {
    expect(() => generator.registries(['iova', 'no-such-strategy'])).toThrow(/src\/strategies\/no-such-strategy\/index\.ts, .*sim\.ts, .*gen\.ts, .*part\.ts/)
  })
})
