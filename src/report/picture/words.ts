/** What the links and the gaps between bands stand for, in words. */
import type { LinkKind } from '../model.js'

/** What a gap between two bands stands for, when no link crosses it (a failed mapping). */
export const GAP_WORDS: Record<string, readonly [string, string]> = {
  'phys>bounce': ['bounce copy', 'swiotlb_bounce()'],
  'phys>iova': ['IOMMU page table', 'IOVA -> physical'],
  'bounce>iova': ['IOMMU page table', 'IOVA -> slot'],
  'iova>seg': ['DMA address', 'is the IOVA'],
  'bounce>seg': ['DMA address', 'is the slot (dma-direct)'],
  'phys>seg': ['DMA address', 'dma-direct: = physical'],
}

/** What a link of each kind stands for, in the gutter; the first kind crossing a gap names it. */
export const LINK_WORDS: Record<LinkKind | 'direct-slot', readonly [string, string]> = {
  iommu: ['IOMMU page table', 'IOVA -> physical'],
  bounce: ['bounce copy', 'swiotlb_bounce()'],
  dma: ['DMA address', 'is the IOVA'],
  'direct-slot': ['DMA address', 'is the slot (dma-direct)'],
  direct: ['DMA address', 'dma-direct: = physical'],
  bus: ['PCI bus address', 'P2P, past the IOMMU'],
}
export const LINK_ORDER: readonly (LinkKind | 'direct-slot')[] = ['iommu', 'bounce', 'dma', 'direct-slot', 'direct', 'bus']

export const LINK_TITLE: Record<LinkKind, string> = {
  iommu: 'IOMMU translation (IOVA -> physical)',
  dma: 'DMA address = IOVA',
  direct: 'DMA address = physical address (dma-direct)',
  bus: 'PCI bus address, not translated by the IOMMU',
  bounce: 'bounce copy between the buffer and its swiotlb slots',
}
