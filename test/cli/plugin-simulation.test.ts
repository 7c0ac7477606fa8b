/**
 * Hover's simulation line, through a real language service with the plugin
 * as tsserver applies it: once the compiler accepts a saved plan, the plugin
 * runs it through this installation's command line (bin/dmaplan.js
 * simulate --json) in the background, and a hover then says what the run
 * did with that transaction or region. A hover never waits for the run.
 */
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/fixtures.js'
import { planService } from '../support/language-service.js'

const blk = join(ROOT, 'examples/nvme-blk.ts')
const r6 = join(ROOT, 'examples/invalid/r6-magic-coalescing.ts')
const service = planService([blk, r6], ts, {})
const hover = (file: string, needle: string) => ts.displayPartsToString(service.ls.getQuickInfoAtPosition(file, service.after(file, needle) - 1)?.displayParts).split('\n')

/** The hover's last line once the run has finished (polled as an editor would hover again). */
async function settledLine(file: string, needle: string): Promise<string | undefined> {
  for (let i = 0; i < 400; i++) {
    const line = hover(file, needle).at(-1)
    if (line !== 'simulation: running (hover again for its summary)') return line
    await new Promise((r) => setTimeout(r, 50))
  }
  return 'still running after 20 s'
}

describe('hover: the simulation summary', () => {
  it('runs the saved plan once the compiler accepts it, and shows what the kernel did with the transaction', async () => {
    // The editor asks for diagnostics when a file opens; the run starts there.
    expect(service.ls.getSemanticDiagnostics(blk)).toEqual([])
    expect(hover(blk, '.transac').at(-1)).toBe('simulation: running (hover again for its summary)')
    expect(await settledLine(blk, '.transac')).toBe(
      'simulated: unmapped via blk (one IOVA range), 11 calls, 1 DMA segment, IOVA pages 33, IOTLB syncs 1, bounce slots 0; no findings',
    )
    expect(hover(blk, '.unmap').at(-1)).toBe(hover(blk, '.transac').at(-1))
    expect(hover(blk, '.build').at(-1)).toBe('simulated: OK, 1 transaction, 0 findings')
  }, 30_000)

  it('says where the simulator placed a region', async () => {
    expect(await settledLine(blk, '[data')).toMatch(/^simulated: normal at 0x[0-9a-f]+, 0x20000 bytes \(placed by the model\)$/)
  }, 30_000)

  it('shows no stale answer for an unsaved edit, nor runs a plan the rules refuse', () => {
    const text = service.text(blk)
    service.set(blk, `${text}\n// an unsaved edit\n`)
    try {
      expect(hover(blk, '.transac').at(-1)).toBe('simulation: runs when the plan is saved and the rules accept it')
    } finally {
      service.set(blk, text)
    }
    expect(service.ls.getSemanticDiagnostics(r6).length).toBe(1)
    expect(hover(r6, '.transac').at(-1)).toBe('simulation: runs when the plan is saved and the rules accept it')
  })
})
