/**
 * R7: direction and ownership. This file holds the rule's explanation (`dmaplan explain
 * R7`, docs/rules.md),
 * its sentences (each writer a type and a function of the same name), its
 * run-time checks (asked by validate.ts) and its type-level checks (below,
 * the parameter types of the builder's steps): both levels speak the sentence
 * byte for byte.
 */
import type { DeviceIR, Direction, MapStep } from '../ir.js'
import type { Finding } from './finding.js'
import type { TxState } from './walk.js'
import type { DirWords, SyncReason, SyncWords } from './words.js'
import { DIR_WORDS, syncWords } from './words.js'
import { descriptor } from '../../strategies/index.js'
import type { NotLive } from './r8-lifecycle.js'
import type { Facts, IsAny, NamedRegion, State } from './type-facts.js'

export const R7 = {
  id: 'R7',
  title: 'direction and ownership',
  rule: 'Device writes need DMA_FROM_DEVICE or BIDIRECTIONAL; device reads need DMA_TO_DEVICE or BIDIRECTIONAL; CPU reads of device-written data need a sync for the CPU first on non-coherent or bounced mappings (and device reads of CPU-written data a sync for the device); hmm maps everything bidirectionally.',
  why: 'The IOMMU maps FROM_DEVICE pages write-only and TO_DEVICE pages read-only; swiotlb copies back only at sync_for_cpu and unmap, and a non-coherent CPU cache hides what the device wrote until it is invalidated.',
  kernel: ['drivers/iommu/dma-iommu.c: dma_info_to_prot()', 'kernel/dma/swiotlb.c: swiotlb_sync_single_for_cpu()'],
  instead: 'Map with the direction the device really uses, and call syncForCpu/syncForDevice where ownership changes.',
} as const

export type writeDeviceWriteDirMessage<Dev extends string, R extends string, T extends string, D extends Direction> =
  `R7: ${Dev} writes ${R} through ${T}, which is mapped ${DirWords[D]}; device writes need DMA_FROM_DEVICE or DMA_BIDIRECTIONAL.`
export const writeDeviceWriteDirMessage = <Dev extends string, R extends string, T extends string, D extends Direction>(
  device: Dev,
  region: R,
  tx: T,
  dir: D,
): writeDeviceWriteDirMessage<Dev, R, T, D> =>
  `R7: ${device} writes ${region} through ${tx}, which is mapped ${DIR_WORDS[dir]}; device writes need DMA_FROM_DEVICE or DMA_BIDIRECTIONAL.`

export type writeDeviceReadDirMessage<Dev extends string, R extends string, T extends string, D extends Direction> =
  `R7: ${Dev} reads ${R} through ${T}, which is mapped ${DirWords[D]}; device reads need DMA_TO_DEVICE or DMA_BIDIRECTIONAL.`
export const writeDeviceReadDirMessage = <Dev extends string, R extends string, T extends string, D extends Direction>(
  device: Dev,
  region: R,
  tx: T,
  dir: D,
): writeDeviceReadDirMessage<Dev, R, T, D> =>
  `R7: ${device} reads ${region} through ${tx}, which is mapped ${DIR_WORDS[dir]}; device reads need DMA_TO_DEVICE or DMA_BIDIRECTIONAL.`

export type writeSyncForCpuMessage<R extends string, T extends string, W extends SyncReason, D extends string> =
  `R7: the CPU reads ${R} after ${D} wrote it through ${T}, but ${SyncWords<T, D>[W]}; call syncForCpu('${T}') first.`
export const writeSyncForCpuMessage = <R extends string, T extends string, W extends SyncReason, D extends string>(
  region: R,
  tx: T,
  why: W,
  device: D,
): writeSyncForCpuMessage<R, T, W, D> =>
  `R7: the CPU reads ${region} after ${device} wrote it through ${tx}, but ${syncWords(tx, device)[why]}; call syncForCpu('${tx}') first.`

export type writeSyncForDeviceMessage<R extends string, T extends string, W extends SyncReason, D extends string> =
  `R7: ${D} reads ${R} through ${T} after the CPU wrote it, but ${SyncWords<T, D>[W]}; call syncForDevice('${T}') first.`
export const writeSyncForDeviceMessage = <R extends string, T extends string, W extends SyncReason, D extends string>(
  region: R,
  tx: T,
  why: W,
  device: D,
): writeSyncForDeviceMessage<R, T, W, D> =>
  `R7: ${device} reads ${region} through ${tx} after the CPU wrote it, but ${syncWords(tx, device)[why]}; call syncForDevice('${tx}') first.`

export type writeHmmBidirectionalMessage<T extends string, D extends Direction, Dev extends string> =
  `R7: hmm transaction ${T} of ${Dev} cannot be mapped ${DirWords[D]}: hmm_dma_map_pfn() maps every page DMA_BIDIRECTIONAL.`
export const writeHmmBidirectionalMessage = <T extends string, D extends Direction, Dev extends string>(tx: T, dir: D, device: Dev): writeHmmBidirectionalMessage<T, D, Dev> =>
  `R7: hmm transaction ${tx} of ${device} cannot be mapped ${DIR_WORDS[dir]}: hmm_dma_map_pfn() maps every page DMA_BIDIRECTIONAL.`

/** The run-time check of an hmm map step's direction: hmm_dma_map_pfn() maps every page DMA_BIDIRECTIONAL. */
export function checkHmmDirection(step: MapStep, client: DeviceIR): Finding<'R7'> | undefined {
  return descriptor(step.strategy).perPage && step.dir !== 'bidirectional' ? { rule: R7.id, text: writeHmmBidirectionalMessage(step.tx, step.dir, client.name) } : undefined
}

/**
 * The run-time check of a device access: the mapping's direction allows it
 * (drivers/iommu/dma-iommu.c dma_info_to_prot()), and a read of what the CPU
 * wrote follows a sync for the device where the views differ.
 */
export function checkDeviceAccess(tx: TxState, op: 'device-read' | 'device-write', region: string, client: DeviceIR): Finding<'R7'> | undefined {
  const { dir } = tx.map
  if (op === 'device-write') return dir === 'to-device' ? { rule: R7.id, text: writeDeviceWriteDirMessage(client.name, region, tx.map.tx, dir) } : undefined
  if (dir === 'from-device') return { rule: R7.id, text: writeDeviceReadDirMessage(client.name, region, tx.map.tx, dir) }
  if (tx.sync && tx.cpuDirty.has(region)) return { rule: R7.id, text: writeSyncForDeviceMessage(region, tx.map.tx, tx.sync, client.name) }
  return undefined
}

/** The run-time check of a CPU read: what the device wrote is handed back first (kernel/dma/swiotlb.c swiotlb_sync_single_for_cpu()). */
export function checkCpuRead(tx: TxState, region: string, client: DeviceIR): Finding<'R7'> | undefined {
  return tx.sync && tx.deviceDirty.has(region) ? { rule: R7.id, text: writeSyncForCpuMessage(region, tx.map.tx, tx.sync, client.name) } : undefined
}

// ---- the type level: src/dsl/types/checks.ts puts these in the builder's parameter types ----

/** Why CPU and device views of N differ until a sync. */
type SyncWhy<N extends string, F extends Facts> = `b:${N}` extends F ? 'bounced' : 'non-coherent'

/** The device Dev writes Rg through N: mapped (R8), and not DMA_TO_DEVICE. */
export type CheckDeviceWrite<N extends string, Rg extends NamedRegion, F extends Facts, S extends State, Dev extends string> = `lw:${N}` extends S
  ? N
  : NoInfer<`l:${N}` extends S ? writeDeviceWriteDirMessage<Dev, Rg['name'], N, 'to-device'> : NotLive<N, F, Dev>>

/** The device Dev reads Rg through N: mapped (R8), not DMA_FROM_DEVICE, and handed back after CPU writes. */
export type CheckDeviceRead<N extends string, Rg extends NamedRegion, F extends Facts, S extends State, Dev extends string> = `lr:${N}` extends S
  ? `c:${N}:${Rg['name']}` extends S
    ? NoInfer<IsAny<S> extends true ? N : writeSyncForDeviceMessage<Rg['name'], N, SyncWhy<N, F>, Dev>>
    : N
  : NoInfer<`l:${N}` extends S ? writeDeviceReadDirMessage<Dev, Rg['name'], N, 'from-device'> : NotLive<N, F, Dev>>

/** The CPU reads a region: every transaction through which the device Dev wrote it must be synced for the CPU. */
export type CheckCpuRead<Rg extends NamedRegion, F extends Facts, S extends State, Dev extends string> = [Extract<S, `d:${string}:${Rg['name']}`>] extends [never]
  ? Rg
  : NoInfer<
      IsAny<S> extends true
        ? Rg
        : DirtyTx<S, Rg['name']> extends infer N extends string
          ? writeSyncForCpuMessage<Rg['name'], N, SyncWhy<N, F>, Dev>
          : never
    >

/** The transactions through which the device wrote region R and the CPU has not taken it back. */
type DirtyTx<S extends State, R extends string> = S extends `d:${infer N}:${R}` ? N : never
