/**
 * What changed in the kernel's DMA layer from release to release: one entry
 * per behaviour, with the first release that has it and the last (absent
 * while the newest modelled release still has it), the commit that brought
 * it and the one that ended it, and where it lives in the kernel. The
 * simulator, the generator and the tests ask `kernelHas(release, id)`;
 * nothing else compares release numbers for a behaviour. Releases are
 * mainline releases: a stable backport is named in `what`, and a run
 * against a kernel that has one overrides the entry (SimOptions.changes).
 * docs/kernel-releases.md explains the table; every entry has a test whose
 * name starts with its id.
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
  /** That commit's subject, as a distribution's changelog names a stable backport of it. */
  readonly endedBy?: string
  /** The kernel file (and function) it lives in. */
  readonly where: string
  /** What a driver, or its device, sees. */
  readonly what: string
  /** A bug the model reproduces, rather than the intended behaviour. */
  readonly quirk?: true
}

export const KERNEL_CHANGES = {
  // The driver-facing APIs (rule R9 gates the plans that need them: kernel.ts).
  'dma-iova-api': {
    first: '6.16',
    commit: '393cf700e624',
    where: 'drivers/iommu/dma-iommu.c dma_iova_try_alloc()',
    what: 'the two-step IOVA API: dma_iova_try_alloc/link/sync/unlink/destroy; try_alloc says no unless the device is on an IOMMU DMA domain',
  },
  'dma-need-unmap': {
    first: '6.16',
    commit: '5f3b133a23c5',
    where: 'kernel/dma/mapping.c dma_need_unmap()',
    what: 'dma_need_unmap(): false on dma-direct without syncs or bouncing, so a driver may skip its unmaps',
  },
  'hmm-dma-map': {
    first: '6.16',
    commit: '8cad47130566',
    where: 'mm/hmm.c hmm_dma_map_alloc()',
    what: 'hmm_dma_map_alloc/map_pfn/unmap_pfn/free: one IOVA range for the mirror, or a DMA address per page',
  },
  'p2pdma-state-helpers': {
    first: '6.16',
    commit: 'a25e7962db0d',
    where: 'include/linux/pci-p2pdma.h pci_p2pdma_state()',
    what: 'pci_p2pdma_state() and pci_p2pdma_bus_addr_map() replace pci_p2pdma_map_segment(); each caller sets the DMA fields of P2P entries itself',
  },
  'blk-dma-iter': {
    first: '6.17',
    commit: '858299dc6160',
    where: 'block/blk-mq-dma.c blk_rq_dma_map_iter_start()',
    what: 'the block-layer DMA iterators: a request in one IOVA range when its segments meet on the merge boundary, else segment by segment',
  },
  'dma-map-phys': {
    first: '6.18',
    commit: 'f7326196a781',
    where: 'kernel/dma/mapping.c dma_map_phys()',
    what: 'dma_map_phys()/dma_unmap_phys() and DMA_ATTR_MMIO; dma_map_page_attrs() and dma_map_resource() become wrappers of them',
  },
  'trace-dma-map-phys': {
    first: '6.18',
    where: 'include/trace/events/dma.h, kernel/dma/mapping.c dma_map_phys()',
    what: 'every single mapping is traced as dma_map_phys/dma_unmap_phys (resource mappings with MMIO in attrs); before, as dma_map_page or dma_map_resource',
  },
  'hmm-mmio-host-bridge': {
    first: '6.18',
    where: 'mm/hmm.c hmm_dma_map_pfn()',
    what: 'a host-bridge P2P page is mapped with DMA_ATTR_MMIO (IOMMU_MMIO, no cache maintenance); before, with DMA_ATTR_SKIP_CPU_SYNC',
  },
  'blk-mmio-host-bridge': {
    first: '6.19',
    where: 'block/blk-mq-dma.c blk_dma_map_iter_start(), include/linux/blk-mq-dma.h blk_rq_dma_unmap()',
    what: 'the block iterator maps host-bridge P2P segments with DMA_ATTR_MMIO and blk_rq_dma_unmap() takes the request\'s P2P map type',
  },
  'p2pdma-provider': {
    first: '6.19',
    where: 'drivers/pci/p2pdma.c pcim_p2pdma_provider()',
    what: 'struct p2pdma_provider: pci_p2pdma_bus_addr_map(provider, paddr) and a map state of {mem, map}',
  },
  'blk-iter-next-no-state': {
    first: '7.0',
    commit: '91e1c1bcf0f2',
    where: 'include/linux/blk-mq-dma.h blk_rq_dma_map_iter_next()',
    what: 'blk_rq_dma_map_iter_next(req, dma_dev, iter) loses its dma_iova_state argument',
  },
  'dma-attr-require-coherent': {
    first: '7.0',
    commit: 'e6a58fa25562',
    where: 'kernel/dma/mapping.c, kernel/dma/direct.c, drivers/iommu/dma-iommu.c',
    what: 'DMA_ATTR_REQUIRE_COHERENT: a map that would bounce or needs cache maintenance fails instead',
  },
  'hmm-require-coherent': {
    first: '7.0',
    commit: 'f5ebf241c407',
    where: 'mm/hmm.c hmm_dma_map_pfn()',
    what: 'every HMM mapping carries DMA_ATTR_REQUIRE_COHERENT',
  },

  // Behaviour inside the DMA layer.
  'sg-bus-addr-head-length': {
    first: '6.16',
    last: '7.1',
    commit: 'a25e7962db0d',
    ended: 'db50fb87015b',
    endedBy: 'iommu/dma-iommu: Fix wrong scatterlist length assignment in P2PDMA path',
    quirk: true,
    where: 'drivers/iommu/dma-iommu.c iommu_dma_map_sg()',
    what: 'a bus-address P2P entry gets the DMA length of the list head (sg->length) instead of its own (also fixed in 7.1.5)',
  },
  'direct-sg-bus-addr-length-unset': {
    first: '6.16',
    last: '6.17',
    commit: 'a25e7962db0d',
    ended: 'd0d08f4bd7f6',
    quirk: true,
    where: 'kernel/dma/direct.c dma_direct_map_sg()',
    what: 'a bus-address P2P entry keeps DMA length 0 (also fixed in 6.17.11)',
  },
  'direct-sg-host-bridge-unmapped': {
    first: '6.16',
    last: '7.0',
    commit: 'a25e7962db0d',
    ended: '560000d619ef',
    endedBy: 'dma-mapping: direct: fix missing mapping for THRU_HOST_BRIDGE segments',
    quirk: true,
    where: 'kernel/dma/direct.c dma_direct_map_sg()',
    what: 'a host-bridge P2P entry is left unmapped: its DMA address is whatever sg_init_table() left (0), its length is set (also fixed in 6.18.y and 7.0.y)',
  },
  'blk-iova-link-error-ignored': {
    first: '6.17',
    last: '6.19',
    commit: '858299dc6160',
    ended: '81e7223b1a2d',
    endedBy: 'block: fix partial IOVA mapping cleanup in blk_rq_dma_map_iova',
    quirk: true,
    where: 'block/blk-mq-dma.c blk_rq_dma_map_iova()',
    what: 'a dma_iova_link() error is overwritten by the dma_iova_sync() after the loop: the request maps "successfully" with part of it linked',
  },
  'iova-swiotlb-unwind-from-zero': {
    first: '6.16',
    last: '7.0',
    commit: '433a76207dcf',
    ended: '6ec91df8aff7',
    endedBy: 'iommu/dma: Do not try to iommu_map a 0 length region in swiotlb',
    quirk: true,
    where: 'drivers/iommu/dma-iommu.c iommu_dma_iova_link_swiotlb()',
    what: 'a failed bounce link unwinds with dma_iova_unlink(dev, state, 0, mapped) instead of the link\'s offset',
  },
  'map-resource-bounce-refused': {
    first: '6.18',
    last: '7.2',
    ended: '057e5e07420c',
    endedBy: 'iommu/dma: skip swiotlb bounce for DMA_ATTR_MMIO in iommu_dma_map_phys',
    quirk: true,
    where: 'drivers/iommu/dma-iommu.c iommu_dma_map_phys()',
    what: 'DMA_ATTR_MMIO (dma_map_resource) off the IOMMU granule on a device that bounces (untrusted, or the kmalloc rule) fails instead of mapping unbounced (also fixed in 7.2.11)',
  },
  'debug-kmalloc-bounce-exemption': {
    first: '6.18',
    commit: '03521c892bb8',
    where: 'kernel/dma/debug.c add_dma_entry()',
    what: 'dma-debug does not report overlapping cachelines when kmalloc buffers may bounce and swiotlb is active (also in 6.12 stable)',
  },
  'debug-cacheline-overlap-cache-aligned': {
    first: '7.0',
    commit: '3d48c9fd78dd',
    where: 'kernel/dma/debug.c add_dma_entry()',
    what: 'dma-debug reports overlapping cachelines only where the DMA cache alignment reaches L1_CACHE_BYTES: never on coherent x86',
  },
  'debug-unmap-attrs': {
    first: '7.2',
    commit: 'a34bd60bdaeb',
    where: 'kernel/dma/debug.c check_unmap()',
    what: 'dma-debug reports an unmap whose MMIO, REQUIRE_COHERENT, PRIVILEGED (and a few other) attributes differ from the map\'s',
  },
  'vtd-generic-pt': {
    first: '6.19',
    commit: 'd373449d8e97',
    where: 'drivers/iommu/intel/iommu.c, drivers/iommu/generic_pt/iommu_pt.h',
    what: 'VT-d\'s page tables are the generic page table: a map over a present entry (dma_iova_link() of a linked offset) fails with -EADDRINUSE and maps nothing; before, __domain_mapping() printed "DMA PTE for vPFN ... already set", WARNed, kept the old entry and returned 0',
  },
  'dma-iova-destroy-sync': {
    first: '7.3',
    where: 'drivers/iommu/dma-iommu.c dma_iova_destroy()',
    what: 'dma_iova_destroy() unlinks mapped_len with dma_iova_unlink() (a synchronous IOTLB sync) and then frees the whole IOVA allocation with dma_iova_free(), never through the flush queue; before, it freed only the aligned mapped_len, through the flush queue on a lazy domain',
  },
  'iommu-sg-length-wraps': {
    first: '6.12',
    last: '7.3',
    ended: '1c8f6308e557',
    endedBy: 'iommu/dma: Catch scatterlist length overflows',
    quirk: true,
    where: 'drivers/iommu/dma-iommu.c iommu_dma_map_sg()',
    what: 'an entry (or its padding) past 4 GiB wraps the 32-bit s->length: the IOMMU maps less than the IOVA, which is freed with its mappings left behind, and the map fails with -EINVAL (fixed for 7.4, and in 6.12.118 and 7.3.4 stable, which then refuse it with -EINVAL and map nothing)',
  },
  'map-resource-ram-refused': {
    first: '6.18',
    last: '7.0',
    commit: 'f7326196a781',
    ended: 'af0c3f058662',
    where: 'kernel/dma/mapping.c dma_map_resource()',
    what: 'a kernel built with CONFIG_DMA_API_DEBUG refuses dma_map_resource() of RAM (WARN, DMA_MAPPING_ERROR); before 6.18 nothing checked it',
  },
  'debug-mmio-ram-report': {
    first: '7.1',
    commit: 'af0c3f058662',
    where: 'kernel/dma/debug.c debug_dma_map_phys()',
    what: 'dma-debug reports "dma_map_resource called for RAM address" for an MMIO mapping of RAM that is not reserved, and the map stands',
  },
  'cc-iommu-alloc-coherent-refused': {
    first: '7.3',
    commit: 'b5ef0dd28e11',
    where: 'kernel/dma/mapping.c dma_alloc_attrs(), drivers/iommu/dma-iommu.c iommu_dma_alloc()',
    what: 'in a confidential guest dma_alloc_coherent() asks for shared memory (__DMA_ATTR_ALLOC_CC_SHARED), which IOMMU-DMA refuses: NULL for a device behind a translating IOMMU',
  },
} as const satisfies Record<string, KernelChange>

export type KernelChangeId = keyof typeof KERNEL_CHANGES

/** The driver-facing features rule R9 gates: each is the change that brought it. */
export const KERNEL_FEATURES = {
  'dma-iova': { since: KERNEL_CHANGES['dma-iova-api'].first, what: 'the two-step IOVA API (dma_iova_try_alloc/link/sync)' },
  'hmm-dma': { since: KERNEL_CHANGES['hmm-dma-map'].first, what: 'hmm_dma_map_alloc/map_pfn' },
  'blk-dma-iter': { since: KERNEL_CHANGES['blk-dma-iter'].first, what: 'the block-layer DMA iterators (blk_rq_dma_map_iter_start)' },
  'attr-mmio': { since: KERNEL_CHANGES['dma-map-phys'].first, what: 'DMA_ATTR_MMIO' },
  'map-phys': { since: KERNEL_CHANGES['dma-map-phys'].first, what: 'dma_map_phys()' },
  'attr-require-coherent': { since: KERNEL_CHANGES['dma-attr-require-coherent'].first, what: 'DMA_ATTR_REQUIRE_COHERENT' },
} as const satisfies Record<string, { since: KernelVersion; what: string }>
export type KernelFeature = keyof typeof KERNEL_FEATURES
export const KERNEL_CHANGE_IDS = Object.keys(KERNEL_CHANGES) as KernelChangeId[]

/**
 * The kernel bugs of a release that a kernel's changelog says it has the
 * fix for (a stable backport): SimOptions.changes for that kernel.
 */
export function backportedFixes(release: KernelVersion, changelog: string): Partial<Record<KernelChangeId, boolean>> {
  const out: Partial<Record<KernelChangeId, boolean>> = {}
  for (const id of KERNEL_CHANGE_IDS) {
    const c: KernelChange = KERNEL_CHANGES[id]
    if (c.quirk && c.endedBy !== undefined && kernelHas(release, id) && changelog.includes(c.endedBy)) out[id] = false
  }
  return out
}

/** The release behaves as the change says. */
export function kernelHas(release: KernelVersion, id: KernelChangeId): boolean {
  const c: KernelChange = KERNEL_CHANGES[id]
  return kernelAtLeast(release, c.first) && (c.last === undefined || kernelAtLeast(c.last, release))
}
