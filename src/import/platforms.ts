/**
 * The platforms `dmaplan import --platform NAME` knows by name: the QEMU
 * set-ups of the real-kernel suites (test/kernel/support/qemu.ts), as the
 * plan's JSON form has them (the kernel and the RAM come from the trace or
 * the command line). A platform file gives any other (src/cli/platform-file.ts).
 */
import type { z } from '../vendor/zod.js'
import type { platformSchema } from '../plan/schema.js'

export const NAMED_PLATFORMS = {
  'vtd-strict': { iommu: { mode: 'translated', flush: 'strict' } },
  'vtd-lazy': { iommu: { mode: 'translated', flush: 'lazy' } },
  passthrough: { iommu: { mode: 'passthrough' } },
  none: { iommu: { mode: 'none' } },
  bounce: { iommu: { mode: 'none' }, swiotlb: { force: true } },
} as const satisfies Record<string, PlatformJson>

export type PlatformName = keyof typeof NAMED_PLATFORMS

/** A platform in the plan's JSON form; the kernel may be left to the trace. */
export type PlatformJson = Omit<z.input<typeof platformSchema>, 'kernel'> & { readonly kernel?: z.input<typeof platformSchema>['kernel'] }

export function isPlatformName(name: string): name is PlatformName {
  return Object.hasOwn(NAMED_PLATFORMS, name)
}

/** How an IOMMU of a platform frees IOVAs: through the lazy flush queue, or at once. */
export function isLazy(p: PlatformJson): boolean {
  return p.iommu.mode === 'translated' && (p.iommu as { flush?: string }).flush === 'lazy'
}
