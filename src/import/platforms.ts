/**
 * The platforms `dmaplan import --platform NAME` knows by name: the QEMU
 * set-ups of the real-kernel suites (test/kernel/support/qemu.ts), as the
 * plan's JSON form has them (the kernel and the RAM come from the trace or
 * the command line).
 */
export const NAMED_PLATFORMS = {
  'vtd-strict': { iommu: { mode: 'translated', flush: 'strict' } },
  'vtd-lazy': { iommu: { mode: 'translated', flush: 'lazy' } },
  passthrough: { iommu: { mode: 'passthrough' } },
  none: { iommu: { mode: 'none' } },
  bounce: { iommu: { mode: 'none' }, swiotlb: { force: true } },
} as const satisfies Record<string, { readonly iommu: { readonly mode: string; readonly flush?: string }; readonly swiotlb?: { readonly force: boolean } }>

export type PlatformName = keyof typeof NAMED_PLATFORMS

export function isPlatformName(name: string): name is PlatformName {
  return Object.hasOwn(NAMED_PLATFORMS, name)
}
