/**
 * What every part of the DMA layer can reach: the device, the platform's
 * memory and caches, the swiotlb pool and IOMMU domain if they exist, the
 * checkers and the counters. The Machine (run/machine.ts) provides it.
 */
import type { KernelVersion } from '../../plan/kernel.js'
import type { KernelChangeId } from '../../plan/kernel-changes.js'
import type { Clock } from '../clock.js'
import type { Reporter } from '../findings.js'
import type { IommuDomain } from '../iommu/domain.js'
import type { CpuCache } from '../mem/cpu-cache.js'
import type { PhysMem } from '../mem/phys-mem.js'
import type { Stats } from '../stats.js'
import type { Trace } from '../trace.js'
import type { DmaDebug } from './debug.js'
import type { Device } from './device.js'
import type { P2pDma } from './p2pdma.js'
import type { Swiotlb } from './swiotlb.js'
import type { DmaWindows } from './windows.js'

export interface Env {
  readonly version: KernelVersion
  atLeast(since: KernelVersion): boolean
  /** The kernel behaves as the change of src/plan/kernel-changes.ts says (its release, or SimOptions.changes). */
  has(id: KernelChangeId): boolean
  readonly dev: Device
  readonly reporter: Reporter
  readonly stats: Stats
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
  /** CPU reads/writes of physical memory (through the cache when there is one). */
  cpuRead(phys: bigint, len: number): Uint8Array
  cpuWrite(phys: bigint, data: Uint8Array): void
  /** A mapping whose unmap the driver may skip (dma_need_unmap() false): drop the model's records of it. */
  forgetMapping(addr: bigint, len: bigint): void
  /** dev_WARN_ONCE(): reported once per key. */
  warnOnce(key: string, id: string, message: string): void
}
