/**
 * What a trace says of the kernel and the device without saying it: the
 * release from its events' names, the DMA mask from the highest address,
 * where the kernel's ticks fall from the flush queue's timer runs, and the
 * device's name as a C identifier.
 */
import { kernelHas } from '../plan/kernel-changes.js'
import { KERNEL_VERSIONS } from '../plan/kernel.js'
import type { KernelVersion } from '../plan/kernel.js'
import { JIFFY_MS } from '../plan/kernel-consts.js'

/** The newest release whose single-mapping events have these names. */
export function inferKernel(names: ReadonlySet<string>): KernelVersion | undefined {
  const phys = names.has('dma_map_phys') || names.has('dma_unmap_phys')
  const page = ['dma_map_page', 'dma_unmap_page', 'dma_map_resource', 'dma_unmap_resource'].some((n) => names.has(n))
  if (phys === page) return undefined
  const fits = KERNEL_VERSIONS.filter((v) => kernelHas(v, 'trace-dma-map-phys') === phys)
  return fits[fits.length - 1]
}

/**
 * The DMA mask behind a translated trace: IOVAs are allocated top down from
 * the mask (from 32 bits first for a wider one, iommu_dma_alloc_iova()), so
 * the highest address the trace shows has the mask's width; 32 stands for
 * every wider mask until 4 GiB of IOVA space runs out. Without translation
 * the DMA addresses are physical and say nothing of the mask.
 */
export function inferMask(mode: string, maxDma: bigint): number {
  if (mode !== 'translated' || maxDma === 0n) return 64
  return Math.max(maxDma.toString(2).length, 24)
}

/**
 * Where the kernel's ticks fall after `first` (ms, modulo a jiffy), from
 * the times the flush queue's timer ran: in the timer softirq, a little
 * after its tick, so the earliest of them in the jiffy is the nearest.
 */
export function tickPhase(ticks: readonly number[], first: number | undefined): number | undefined {
  const t0 = ticks[0]
  if (t0 === undefined || first === undefined) return undefined
  const mod = (x: number) => ((x % JIFFY_MS) + JIFFY_MS) % JIFFY_MS
  const r0 = mod(t0 - first)
  let early = 0
  for (const t of ticks) early = Math.min(early, mod(t - first - r0 + JIFFY_MS / 2) - JIFFY_MS / 2)
  return Math.round(mod(r0 + early) * 1000) / 1000
}

/** A device's name as a C identifier: 0000:00:04.0 is pci_0000_00_04_0. */
export function deviceIdentifier(dev: string): string {
  const id = dev.replace(/[^A-Za-z0-9_]/g, '_')
  return /^\d/.test(id) || /^[0-9a-f]{4}_/.test(id) ? `pci_${id}` : id
}
