/**
 * Completions through the plugin: the names valid at that point, never a
 * rule's sentence (which the compiler's own list offers).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/fixtures.js'
import { planService } from '../support/language-service.js'

const r6 = join(ROOT, 'examples/invalid/r6-magic-coalescing.ts')
const r1 = join(ROOT, 'examples/invalid/r1-iova-without-iommu.ts')
const blk = join(ROOT, 'examples/nvme-blk.ts')
const service = planService([r6, r1, blk])
const names = (file: string, pos: number) => service.ls.getCompletionsAtPosition(file, pos, {})?.entries.map((e) => e.name)

describe('completions in a plan', () => {
  it('offer strategies the platform allows, not sentences', () => {
    const at = service.after(r6, "strategy: '")
    expect(service.plain.getCompletionsAtPosition(r6, at, {})?.entries.some((e) => /^R\d+: /.test(e.name))).toBe(true)
    // Host RAM, bidirectional: not blk (one way, R10) nor p2p-bus (bus-address P2P memory only, R3).
    expect(names(r6, at)).toEqual(['iova', 'page', 'sg', 'hmm', 'coherent', 'auto'])
    // Without an IOMMU there is no iova (R1).
    expect(names(r1, service.after(r1, "strategy: '"))).toEqual(['page', 'sg', 'blk', 'coherent', 'auto'])
    // Host memory beside bus-address P2P memory, to-device: auto takes both (hmm would, but maps bidirectionally, R7).
    const r2 = join(ROOT, 'examples/invalid/r2-mixed-kinds.ts')
    const mixed = planService([r2])
    expect(mixed.ls.getCompletionsAtPosition(r2, mixed.after(r2, "strategy: '"), {})?.entries.map((e) => e.name)).toEqual(['auto'])
  })

  it('offer the directions the strategy maps', () => {
    const file = blk
    const at = service.after(file, "dir: '")
    expect(names(file, at)).toEqual(['to-device', 'from-device'])
  })

  it('offer the live transactions a step may name', () => {
    expect(names(r6, service.after(r6, ".deviceWrites('"))).toEqual(['mr'])
    const text = service.text(r6)
    service.set(r6, text.replace(".deviceWrites('mr', buf)", ".deviceWrites('', buf)").replace(".unmap('mr')", ".unmap('mr')\n  .syncForCpu('')"))
    try {
      expect(names(r6, service.after(r6, ".deviceWrites('"))).toEqual(['mr'])
      // After its unmap no transaction is live: nothing to offer, and no sentence.
      expect(names(r6, service.after(r6, ".syncForCpu('", 1))).toEqual([])
    } finally {
      service.set(r6, text)
    }
  })
})
