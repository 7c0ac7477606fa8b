/**
 * What every part of the DMA layer can reach: the core (env-core.ts: the
 * device, the counters, the CPU's access to memory), the platform's memory
 * and caches, the swiotlb pool and IOMMU domain if they exist and the
 * checkers. The Machine (run/machine.ts) provides it.
 */
import type { KernelVersion } from '../../plan/kernel.js'
import type { KernelChangeId } from '../../plan/kernel-changes.js'
import type { Clock } from '../clock.js'
import type { IommuDomain } from '../iommu/domain.js'
import type { CpuCache } from '../mem/cpu-cache.js'
import type { PhysMem } from '../mem/phys-mem.js'
import type { Trace } from '../trace.js'
import type { DmaDebug } from './debug.js'
import type { EnvCore } from './env-core.js'
import type { P2pDma } from './p2pdma.js'
import type { Swiotlb } from './swiotlb.js'
import type { DmaWindows } from './windows.js'

export interface Env extends EnvCore {
  readonly version: KernelVersion
  atLeast(since: KernelVersion): boolean
  /** The kernel behaves as the change of src/plan/kernel-changes.ts says (its release, or SimOptions.changes). */
  has(id: KernelChangeId): boolean
  readonly clock: Clock
  readonly trace: Trace
  readonly mem: PhysMem
  /** The CPU's data cache when the device is not coherent. */
  readonly cache: CpuCache | undefined
  readonly swiotlb: Swiotlb | undefined
  readonly domain: IommuDomain | undefined
  readonly debug: DmaDebug
  readonly windows: DmaWindows
  readonly p2p: P2pDma
  /** End of the highest RAM range (for dma_get_required_mask). */
  readonly topOfRam: bigint
  /** CONFIG_DMA_API_DEBUG=y changes behaviour (dma_need_unmap, dma_dev_need_sync). */
  readonly dmaApiDebug: boolean
  /** swiotlb=force, restricted pool or a confidential guest (is_swiotlb_force_bounce). */
  readonly forceBounce: boolean
  /** A confidential guest: private memory, decrypted coherent allocations. */
  readonly coco: boolean
  /** A mapping whose unmap the driver may skip (dma_need_unmap() false): drop the model's records of it. */
  forgetMapping(addr: bigint, len: bigint): void
  /** set_memory_decrypted() (arch/x86/mm/pat/set_memory.c): [start, start + len) becomes shared with the host. */
  set_memory_decrypted(start: bigint, len: bigint): void
}
