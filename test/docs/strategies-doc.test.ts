/** docs/strategies.md is written from the strategy descriptors; the committed copy must be the current one (npm run schema writes it). */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { STRATEGY_NAMES } from '../../src/strategies/index.js'
import { strategiesMarkdown } from '../../src/strategies/strategies-doc.js'
import { ROOT } from '../support/fixtures.js'

describe('docs/strategies.md', () => {
  it('is the descriptors as they are', () => {
    expect(readFileSync(join(ROOT, 'docs/strategies.md'), 'utf8')).toBe(strategiesMarkdown())
  })
  it('has a section per strategy, in the descriptors\' order', () => {
    expect([...strategiesMarkdown().matchAll(/^## (\S+)$/gm)].map((m) => m[1])).toEqual([...STRATEGY_NAMES])
  })
})
