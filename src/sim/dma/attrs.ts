/** DMA attribute sets: the plan's names to the kernel's bits and back. */
import { DMA_ATTR } from '../consts.js'
import type { DmaAttrName } from '../consts.js'

export function attrBits(names: readonly string[]): number {
  let bits = 0
  for (const n of names) bits |= DMA_ATTR[n as DmaAttrName] ?? 0
  return bits
}

export function attrNames(bits: number): string {
  if (bits === 0) return '0'
  return (Object.keys(DMA_ATTR) as DmaAttrName[]).filter((k) => bits & DMA_ATTR[k]).join(' | ')
}
