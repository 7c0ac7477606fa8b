// Every user-visible output on the project's own plans is as recorded in
// test/cli/__outputs__/manifest.sha256: check, simulate, compare, explain,
// import and gen (every target, strategy and kernel), exit statuses too.
// An intended change regenerates the manifest (scripts/output-manifest.mjs
// --write) and its diff names the outputs it changed.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

describe('outputs', () => {
  it('are byte-identical to the recorded manifest', () => {
    const now = execFileSync(process.execPath, ['scripts/output-manifest.mjs'], { encoding: 'utf8', maxBuffer: 1 << 26 }).split('\n')
    const recorded = readFileSync('test/cli/__outputs__/manifest.sha256', 'utf8').split('\n')
    const label = (line: string) => line.split(' ').slice(3).join(' ')
    const before = new Map(recorded.map((l) => [label(l), l]))
    const changed = now.filter((l) => before.get(label(l)) !== l).map(label)
    const gone = recorded.filter((l) => !now.some((n) => label(n) === label(l))).map(label)
    expect({ changed, gone }).toEqual({ changed: [], gone: [] })
    // 644 outputs, one a line, and the empty string after the last newline.
    expect(now.length).toBe(recorded.length)
  }, 180_000)
})
