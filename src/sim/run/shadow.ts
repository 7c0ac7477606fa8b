/**
 * What the plan expects each region to contain: the last bytes any write
 * step put there (the CPU's or the device's), and the memory's initial
 * content elsewhere (the power-on pattern, or zeros after a coherent
 * allocation). Reads are checked against it.
 */
import { powerOnFill } from '../mem/pattern.js'
import { PAGE_SIZE_N } from '../consts.js'
import { SparseBytes } from '../mem/sparse-bytes.js'

export class Shadow {
  readonly #bytes: SparseBytes
  #zeroed = false

  constructor(phys: bigint) {
    const base = phys
    this.#bytes = new SparseBytes((index, page) => {
      if (this.#zeroed) return
      const at = base + BigInt(index) * PAGE_SIZE_N
      powerOnFill(Number(at), page)
    })
  }

  read(offset: bigint, len: number): Uint8Array {
    return this.#bytes.read(offset, len)
  }

  write(offset: bigint, data: Uint8Array): void {
    this.#bytes.write(offset, data)
  }

  /** dma_alloc_coherent() zeroed the region. */
  zero(bytes: bigint): void {
    this.#zeroed = true
    this.#bytes.fillExisting(0n, bytes, 0)
  }
}
