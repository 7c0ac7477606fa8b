/**
 * arch_sync_dma_for_device()/arch_sync_dma_for_cpu() (arm64 semantics):
 * clean before the device reads or writes, invalidate afterwards unless the
 * device only read. Coherent devices never get here (callers check).
 */
import { DMA_TO_DEVICE } from '../consts.js'
import type { DmaDir } from '../consts.js'
import type { Env } from './env.js'
import { C } from '../stats.js'

export function archSyncDmaForDevice(env: Env, phys: bigint, size: bigint, _dir: DmaDir): void {
  env.stats.add(C.cacheMaintenance, 1)
  env.cache?.clean(phys, size)
}

export function archSyncDmaForCpu(env: Env, phys: bigint, size: bigint, dir: DmaDir): void {
  env.stats.add(C.cacheMaintenance, 1)
  if (dir === DMA_TO_DEVICE) return
  env.cache?.invalidate(phys, size)
}
