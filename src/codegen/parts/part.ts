/**
 * Helpers the parts share. A part maps one slice of a transaction (a run of
 * its buffers) one way; its contract (PartDef) lives with the model it reads
 * (../model.ts), so that the model and the parts do not import each other.
 */
import type { DeviceIR } from '../../plan/ir.js'
import type { BufModel } from '../model.js'

export type { CallSite, CallSpec, PartDef, PartId, PseudoSite } from '../model.js'

/** C expression for a slice's attributes. */
export function attrsExpr(attrs: readonly string[]): string {
  return attrs.length === 0 ? '0' : attrs.join(' | ')
}

export function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`
}

/**
 * Most pieces a streaming map cuts these buffers into: dma_max_mapping_size()
 * is never below one swiotlb segment (128 slots of 2 KiB) less the device's
 * min_align_mask rounded up to a slot (swiotlb_max_mapping_size()).
 */
export function pieces(bufs: readonly BufModel[], device: DeviceIR): number {
  const slot = 0x800n
  const max = 0x40000n - ((BigInt(device.minAlignMask) + slot - 1n) / slot) * slot
  return bufs.reduce((n, b) => n + Number((b.bytes + max - 1n) / max), 0)
}
