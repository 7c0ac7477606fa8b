/**
 * Hover through the plugin: a short account of what the kernel does with a
 * transaction, a region or a step, in place of the builder's generics.
 */
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/fixtures.js'
import { planService } from '../support/language-service.js'

const r6 = join(ROOT, 'examples/invalid/r6-magic-coalescing.ts')
const gpu = join(ROOT, 'examples/gpu-direct.ts')
const service = planService([r6, gpu])
const hover = (file: string, needle: string) => ts.displayPartsToString(service.ls.getQuickInfoAtPosition(file, service.after(file, needle) - 1)?.displayParts)

describe('hover', () => {
  it('on a transaction: strategy, kernel calls, region kinds, the rule broken', () => {
    const plain = ts.displayPartsToString(service.plain.getQuickInfoAtPosition(r6, service.after(r6, '.transac') - 1)?.displayParts)
    expect(plain.length).toBeGreaterThan(700)
    expect(hover(r6, '.transac')).toBe(
      [
        'transaction mr: iova, bidirectional: one IOVA range for all buffers, each buffer mapped on its own where there is none',
        'kernel: dma_iova_try_alloc(), dma_iova_link(), dma_iova_sync(), dma_iova_destroy()',
        'maps: buf (normal (host RAM), aligned), hdr (normal (host RAM), starts-off ends-off)',
        'breaks R6: hdr starts off the 4096-byte IOMMU granule of mlx5_0 but is not the first range of IOVA transaction mr; only the first range may. Align it or map it in its own transaction. (dmaplan explain R6)',
      ].join('\n'),
    )
    expect(ts.displayPartsToString(service.ls.getQuickInfoAtPosition(r6, service.after(r6, '.transac') - 1)?.documentation)).toBe('Map regions as one transaction.')
  })

  it('on a region and a step', () => {
    expect(hover(r6, '[buf, hd')).toBe('region hdr: normal (host RAM); starts-off ends-off on the IOMMU granule')
    expect(hover(r6, '.deviceWrit')).toBe('deviceWrites on mr (iova, bidirectional)')
  })

  it("on P2P memory: its kind for the plan's device", () => {
    const line = hover(gpu, '.transac').split('\n')[2] as string
    expect(line).toMatch(/^maps: .*p2p-bus \(P2P memory of /)
  })
})
