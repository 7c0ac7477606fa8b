/**
 * Why a map failed where the plan is not at fault: memory the model (or the
 * plan's `phys`) put where the device's DMA mask does not reach. The kernel
 * says so only sometimes (the overflow warning, K-R6), and never for P2P
 * memory, which may not bounce; the MAP finding says it every time, so that
 * a failure of placement reads as one.
 */
import { minNotZero } from '../addr.js'
import type { Machine } from './machine.js'
import type { RegionInfo } from './regions.js'
import { addressingLimited } from '../dma/mapping.js'

const bits = (mask: bigint): number => mask.toString(2).length

export function placementReason(m: Machine, strategy: string, regions: readonly RegionInfo[]): string | undefined {
  if (m.dev.dmaIommu) return undefined
  const limit = minNotZero(m.dev.dmaMask ?? 0n, m.dev.busDmaLimit)
  for (const r of regions) {
    // A P2P region's DMA address is its bus address (the BAR's CPU address plus the bus offset) or, through the host bridge, its CPU address.
    const bar = m.p2p.barOf(r.phys)
    const dma = r.phys + (r.kind === 'p2p-bus' ? (bar?.busOffset ?? 0n) : 0n)
    if (dma + r.bytes - 1n > limit && (bar !== undefined || m.swiotlb === undefined))
      return `${r.name} lies at 0x${dma.toString(16)}, above the device's ${bits(limit)}-bit DMA mask, and ${bar !== undefined ? 'P2P memory cannot bounce' : 'there is no swiotlb pool to bounce it'} (where memory lies, not what the plan does)`
  }
  if (strategy === 'hmm' && addressingLimited(m))
    return `the device's ${bits(limit)}-bit DMA mask does not reach all of RAM (dma_addressing_limited()), and HMM cannot bounce (where memory lies, not what the plan does)`
  return undefined
}
