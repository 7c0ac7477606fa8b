/**
 * The plan in words, for the comment at the top of the C and the pseudo
 * rendering: one vocabulary for both, from the rules' own words.
 */
import type { DeviceIR, Direction, PlatformIR } from '../plan/ir.js'
import { DIR_WORDS, KIND_WORDS } from '../plan/rules/messages.js'
import type { BufModel, CodegenModel, SliceModel, TxModel } from './model.js'

export function hexOf(v: bigint | number): string {
  return v === 0 || v === 0n ? '0' : `0x${v.toString(16)}`
}

export function dirMacro(dir: Direction): string {
  return DIR_WORDS[dir]
}

export function describePlatform(p: PlatformIR): string {
  const iommu =
    p.iommu.mode === 'translated'
      ? `a translating IOMMU (${p.iommu.granule}-byte granule, ${p.iommu.flush} IOTLB flush)`
      : p.iommu.mode === 'passthrough'
        ? 'an IOMMU in passthrough'
        : 'no IOMMU'
  const extras = [p.coco ? 'a confidential guest' : '', p.swiotlb.force ? 'swiotlb=force' : ''].filter((s) => s !== '')
  return `Linux ${p.kernel}, ${iommu}${extras.length ? `, ${extras.join(', ')}` : ''}`
}

export function describeDevice(d: DeviceIR): string {
  const facts = [
    `${d.dmaMask}-bit DMA mask`,
    d.coherent ? 'cache-coherent' : 'not cache-coherent',
    ...(d.trusted ? [] : ['untrusted']),
    `segments of at most ${hexOf(d.maxSegmentSize)} bytes within ${hexOf(d.segmentBoundary)} boundaries`,
    ...(d.minAlignMask !== 0 ? [`min_align_mask ${hexOf(d.minAlignMask)}`] : []),
  ]
  return `${d.name}: ${facts.join(', ')}`
}

const P2P_ROUTE: Partial<Record<BufModel['kind'], string>> = {
  'p2p-bus': 'reached by PCI bus address',
  'p2p-host-bridge': 'reached through the host bridge',
}

export function describeBuf(b: BufModel): string {
  const where = b.offset === 0n ? '' : ` at offset ${hexOf(b.offset)} in its page`
  const what =
    b.alloc === 'p2p'
      ? `${b.peer}'s P2P memory, ${P2P_ROUTE[b.kind] ?? KIND_WORDS[b.kind]}`
      : b.alloc === 'coherent'
        ? 'coherent memory'
        : b.alloc === 'shared'
          ? 'guest memory shared with the host'
          : KIND_WORDS[b.kind]
  return `${b.name}: ${hexOf(b.bytes)} bytes of ${what}${where}`
}

export function describeTx(t: TxModel): string {
  return `${t.name} (${t.strategy}, ${dirMacro(t.dir)}): ${t.bufs.map((b) => b.name).join(', ')}`
}

/** A slice maps memory that needs ownership syncs: host memory, cached or bounced. */
export function syncable(slice: SliceModel): boolean {
  return slice.part.sync !== undefined && (slice.kind === 'normal' || slice.kind === 'encrypted')
}

/** Why a transaction has nothing to sync. */
export function noSyncReason(t: TxModel): string {
  const reasons = t.slices.filter((s) => !syncable(s)).map((s) => s.part.noSync ?? 'P2P memory is never cached by the CPU nor bounced')
  return [...new Set(reasons)].join('; ')
}

export function summary(m: CodegenModel): string {
  return `DMA plan ${m.plan.name} for ${m.device.name}`
}
