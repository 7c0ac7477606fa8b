/**
 * The DMA address ranges that are currently valid for the device outside
 * the IOMMU: dma-direct mappings, bounce slots and PCI bus addresses. The
 * hardware does not police these (there is no IOMMU on that path), so the
 * DMA engine consults this list to report an access that no live mapping
 * covers instead of letting it pass silently.
 */
export interface Window {
  readonly dma: bigint
  readonly len: bigint
  readonly what: string
}

export class DmaWindows {
  readonly #live: Window[] = []

  open(dma: bigint, len: bigint, what: string): void {
    if (len > 0n) this.#live.push({ dma, len, what })
  }

  /** Close the most recent window that starts at dma (with that length when given). */
  close(dma: bigint, len?: bigint): boolean {
    for (let i = this.#live.length - 1; i >= 0; i--) {
      const w = this.#live[i] as Window
      if (w.dma === dma && (len === undefined || w.len === len)) {
        this.#live.splice(i, 1)
        return true
      }
    }
    return false
  }

  covers(dma: bigint, len: bigint): boolean {
    return this.#live.some((w) => dma >= w.dma && dma + len <= w.dma + w.len)
  }

  get count(): number {
    return this.#live.length
  }
}
