/**
 * No import circles in src/: a module's imports (type-only, re-exports and
 * dynamic import() included) never lead back to it, so that every layer
 * can be read, tested and loaded from the bottom up.
 */
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/fixtures.js'
import { importCircles, importGraph } from './import-graph.js'

const circles = importCircles(importGraph(ROOT, 'src'))

describe('import graph of src/', () => {
  it('has no import circle', () => {
    expect(circles.map((c) => c.path.join(' -> '))).toEqual([])
  })
})

describe('the circle finder', () => {
  it('finds a circle, with a shortest path around it, and nothing else', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c', 'd']],
      ['c', ['a']],
      ['d', ['e']],
      ['e', ['e']],
      ['f', ['a']],
    ])
    expect(importCircles(graph)).toEqual([
      { files: ['a', 'b', 'c'], path: ['a', 'b', 'c', 'a'] },
      { files: ['e'], path: ['e', 'e'] },
    ])
  })

  it('reads type-only imports, re-exports and dynamic imports', () => {
    const graph = importGraph(ROOT, 'src/cli')
    expect(graph.get('src/cli/load-plan.ts')).toEqual(expect.arrayContaining(['src/cli/location.ts', 'src/cli/typecheck.ts']))
    expect(graph.get('src/cli/typecheck.ts')).toEqual(expect.arrayContaining(['src/cli/location.ts']))
    // Only `import type { EnvCore }` leads there.
    expect(importGraph(ROOT, 'src/sim').get('src/sim/dma/swiotlb.ts')).toContain('src/sim/dma/env-core.ts')
  })
})
