/**
 * What every part of the DMA layer reaches that is no part of it itself:
 * the device, the counters, the reporter and the CPU's access to memory.
 * Env (env.ts) adds the parts (the swiotlb pool, the IOMMU domain, ...);
 * a part that needs only this core, as the swiotlb pool does, depends on
 * it instead of on Env, which holds the part.
 */
import type { Reporter } from '../findings.js'
import type { Stats } from '../stats.js'
import type { Device } from './device.js'

export interface EnvCore {
  readonly dev: Device
  readonly reporter: Reporter
  readonly stats: Stats
  /** CPU reads/writes of physical memory (through the cache when there is one). */
  cpuRead(phys: bigint, len: number): Uint8Array
  cpuWrite(phys: bigint, data: Uint8Array): void
  /** dev_WARN_ONCE(): reported once per key. */
  warnOnce(key: string, id: string, message: string): void
}
