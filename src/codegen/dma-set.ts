/**
 * The dma_set_*() calls a driver makes to describe its device, as C: the
 * probe's (from the device's declaration) and the driver steps' (from the
 * plan) are written by the same function, so they read alike.
 */
import type { DriverStep } from '../plan/ir.js'
import { U64_MAX } from '../plan/u64.js'
import { unreachable } from '../plan/unreachable.js'
import { hexOf } from './describe.js'

export interface DmaSetCall {
  readonly fn: string
  /** The arguments after the device. */
  readonly args: readonly string[]
  /** The call returns an error the driver must handle (dma_set_mask_and_coherent(); the dma_parms setters return nothing). */
  readonly fallible: boolean
}

/** include/linux/dma-mapping.h: the call each driver step stands for. */
export function dmaSetCall(s: DriverStep): DmaSetCall {
  switch (s.op) {
    case 'set-dma-mask':
      return { fn: 'dma_set_mask_and_coherent', args: [`DMA_BIT_MASK(${s.bits})`], fallible: true }
    case 'set-segment-boundary':
      return { fn: 'dma_set_seg_boundary', args: [boundaryLiteral(s.mask)], fallible: false }
    case 'set-max-segment-size':
      return { fn: 'dma_set_max_seg_size', args: [sizeLiteral(s.bytes)], fallible: false }
    case 'set-min-align-mask':
      return { fn: 'dma_set_min_align_mask', args: [hexOf(s.mask)], fallible: false }
    default:
      return unreachable(s)
  }
}

/** `dma_set_x(dev, args)` as a C expression. */
export function dmaSetExpr(call: DmaSetCall, dev: string): string {
  return `${call.fn}(${[dev, ...call.args].join(', ')})`
}

const SIZES: Readonly<Record<number, string>> = Object.fromEntries(
  Array.from({ length: 22 }, (_, i) => 512 * 2 ** i).map((v) => [v, v < 1024 ? `SZ_${v}` : v < 1 << 20 ? `SZ_${v / 1024}K` : v < 1 << 30 ? `SZ_${v / (1 << 20)}M` : `SZ_${v / (1 << 30)}G`]),
)

/** A size as linux/sizes.h names it where it can. */
export function sizeLiteral(v: number): string {
  return SIZES[v] ?? hexOf(v)
}

/** A segment boundary mask; ULONG_MAX is "no boundary". */
export function boundaryLiteral(v: bigint): string {
  return v === U64_MAX ? 'ULONG_MAX' : hexOf(v)
}
