/**
 * What changed in the kernel's DMA layer from release to release: one entry
 * per behaviour, with the first release that has it and the last (absent
 * while the newest modelled release still has it), the commit that brought
 * it and the one that ended it, and where it lives in the kernel. The
 * simulator, the generator and the tests ask `kernelHas(release, id)`;
 * nothing else compares release numbers for a behaviour. docs/kernel-releases.md
 * explains each entry; every entry has a test named after its id.
 */
import type { KernelVersion } from './kernel.js'
import { kernelAtLeast } from './kernel.js'

export interface KernelChange {
  /** The first release that behaves this way. */
  readonly first: KernelVersion
  /** The last release that behaves this way; absent while the newest still does. */
  readonly last?: KernelVersion
  /** The upstream commit (12 hex digits) that brought the behaviour, where one did. */
  readonly commit?: string
  /** The upstream commit that ended it. */
  readonly ended?: string
  /** The kernel file (and function) it lives in. */
  readonly where: string
  /** What a driver, or its device, sees. */
  readonly what: string
  /** A bug the model reproduces, rather than the intended behaviour. */
  readonly quirk?: true
}

export const KERNEL_CHANGES = {
  'trace-dma-map-phys': {
    first: '6.18',
    where: 'include/trace/events/dma.h, kernel/dma/mapping.c dma_map_phys()',
    what: 'every single mapping (dma_map_page_attrs, dma_map_resource, dma_map_phys) is traced as dma_map_phys/dma_unmap_phys; before, as dma_map_page or dma_map_resource',
  },
} as const satisfies Record<string, KernelChange>

export type KernelChangeId = keyof typeof KERNEL_CHANGES

/** The release behaves as the change says. */
export function kernelHas(release: KernelVersion, id: KernelChangeId): boolean {
  const c: KernelChange = KERNEL_CHANGES[id]
  return kernelAtLeast(release, c.first) && (c.last === undefined || kernelAtLeast(c.last, release))
}
