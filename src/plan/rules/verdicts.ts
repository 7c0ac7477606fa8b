/**
 * Which memory kind each strategy accepts, as one table read by both the
 * run-time validator and the type-level check (through `typeof`). Each row is
 * its strategy's descriptor (src/strategies/<name>/index.ts). A cell names
 * the rule a region of that kind breaks under that strategy; 'ok' means the
 * strategy maps it (subject to R2 and R6, which depend on the other regions
 * of the transaction).
 *
 * The cells encode the order in which the rules are tested: an unreachable
 * peer is R4 whatever the strategy; bus-address memory never enters an IOVA
 * or swiotlb (R3); the p2p-bus strategy takes nothing else (R3); private
 * guest memory cannot be linked or HMM-mapped (R5); coherent allocations are
 * host memory (R2); host-bridge P2P in an IOVA range needs DMA_ATTR_MMIO (R9,
 * decided by the kernel version).
 */
import { DESCRIPTOR, DESCRIPTORS } from '../../strategies/index.js'
import type { DescriptorOf, KindVerdict, StrategyName } from '../../strategies/index.js'
import type { DeviceIR, PlatformIR } from '../ir.js'
import type { MemoryKind } from '../memory-kind.js'
import { KERNEL_CHANGES, kernelHas } from '../kernel-changes.js'
import type { KernelAtLeast, KernelVersion } from '../kernel.js'

export type { KindVerdict } from '../../strategies/index.js'

export const KIND_VERDICTS = Object.fromEntries(DESCRIPTORS.map((d) => [d.name, d.verdicts])) as unknown as {
  readonly [S in StrategyName]: DescriptorOf[S]['verdicts']
}

export type KindVerdicts = typeof KIND_VERDICTS

/** A region's verdict on a platform: its cell of the kind table, or one the platform or the device adds. */
export type RegionVerdict = KindVerdict | 'encrypted-iommu' | 'encrypted-iommu-alloc' | 'untrusted-sg'

/**
 * The verdict of a region of kind `kind` under `strategy` on `platform`.
 * Behind a translating IOMMU the kernel never bounces a confidential guest's
 * private memory (drivers/iommu/dma-iommu.c dev_use_swiotlb() asks only about
 * untrusted devices and kmalloc alignment, where dma-direct asks
 * force_dma_unencrypted()), so a strategy that would bounce it on dma-direct
 * hands the device ciphertext there (R5). dma_alloc_coherent() decrypts its
 * own allocation, so a strategy that allocates is not affected, until 7.3,
 * where IOMMU-DMA refuses that shared allocation (cc-iommu-alloc-coherent-refused,
 * docs/kernel-releases.md: dma_alloc_coherent() returns NULL).
 */
export function regionVerdict(strategy: StrategyName, kind: MemoryKind, platform: PlatformIR, client: DeviceIR): RegionVerdict {
  const verdict: KindVerdict = KIND_VERDICTS[strategy][kind]
  // iommu_dma_map_sg() sends an untrusted device's scatterlist down the swiotlb path (dev_use_sg_swiotlb()), which maps peer pages by CPU address.
  if (verdict === 'ok' && kind === 'p2p-bus' && !client.trusted && platform.iommu.mode === 'translated' && DESCRIPTOR[strategy].busAddressBySg) return 'untrusted-sg'
  if (verdict !== 'ok' || !platform.coco || platform.iommu.mode !== 'translated') return verdict
  if (!DESCRIPTOR[strategy].allocates) return kind === 'encrypted' ? 'encrypted-iommu' : verdict
  // The allocation is the kernel's, whatever the region was: refused for shared memory of either kind.
  return kernelHas(platform.kernel, 'cc-iommu-alloc-coherent-refused') ? 'encrypted-iommu-alloc' : verdict
}

/** The first release where IOMMU-DMA refuses a confidential guest's shared allocation. */
type AllocRefusedSince = (typeof KERNEL_CHANGES)['cc-iommu-alloc-coherent-refused']['first']

/**
 * regionVerdict() at the type level, for a platform whose IOMMU is in mode M,
 * whose kernel is R and that is a confidential guest or not (Coco), for a
 * device known to be untrusted or not (Untrusted): every strategy's row,
 * computed once per platform. A kernel, a guest or a device the compiler
 * cannot see is left to the run time.
 */
export type RegionVerdicts<M extends string, R extends KernelVersion, Coco extends boolean = boolean, Untrusted extends boolean = boolean> = {
  readonly [S in StrategyName]: {
    readonly [K in MemoryKind]: [K, M, Untrusted, DescriptorOf[S]['busAddressBySg'], KindVerdicts[S][K]] extends ['p2p-bus', 'translated', true, true, 'ok']
      ? 'untrusted-sg'
      : // Encrypted memory exists only in a confidential guest; shared memory is refused only where the guest is known to be one.
        [K extends 'encrypted' ? true : Coco] extends [true]
      ? [M, KindVerdicts[S][K]] extends ['translated', 'ok']
        ? DescriptorOf[S]['allocates'] extends false
          ? K extends 'encrypted'
            ? 'encrypted-iommu'
            : 'ok'
          : [R] extends [KernelAtLeast[AllocRefusedSince]]
            ? 'encrypted-iommu-alloc'
            : 'ok'
        : KindVerdicts[S][K]
      : KindVerdicts[S][K]
  }
}

/** Strategies whose transaction is one IOVA range, one scatterlist or one request: one memory kind (R2). */
export const UNIFORM = Object.fromEntries(DESCRIPTORS.map((d) => [d.name, d.uniform])) as unknown as {
  readonly [S in StrategyName]: DescriptorOf[S]['uniform']
}
export type Uniform = { [S in keyof typeof UNIFORM]: (typeof UNIFORM)[S] extends true ? S : never }[keyof typeof UNIFORM]
