/**
 * The device's DMA engine: it reads and writes memory at DMA addresses the
 * way the platform routes them, never silently.
 *
 * - A bus address inside a peer's BAR below a common switch without ACS
 *   redirect goes to the peer directly (K-P5), never through the IOMMU.
 * - Everything else goes upstream: behind a translating IOMMU each granule
 *   is looked up with its R/W permission; a missing entry, a missing
 *   permission, an entry linked but not yet synced (K-R30) or an address past
 *   the IOMMU's width is a DMAR fault, printed like intel-iommu prints it.
 *   A lazily unmapped entry still in the IOTLB works, and is reported as a
 *   use after unmap (K-R24).
 * - Without an IOMMU the address is the physical address; an access that
 *   no live mapping covers is reported (nothing in hardware would stop it).
 * - A non-coherent device bypasses the CPU cache; private memory of a
 *   confidential guest reads and writes as ciphertext for the device.
 */
import { hex } from '../addr.js'
import { IOMMU_READ, IOMMU_WRITE, VTD_PAGE_MASK } from '../consts.js'
import type { Env } from '../dma/env.js'
import { fmix32 } from '../mem/pattern.js'

export interface PrivateRange {
  start: bigint
  end: bigint
}

export class DmaEngine {
  readonly #env: Env
  readonly #peerRoutable: (provider: string) => boolean
  readonly privateRanges: PrivateRange[] = []
  faults = 0

  constructor(env: Env, peerRoutable: (provider: string) => boolean) {
    this.#env = env
    this.#peerRoutable = peerRoutable
  }

  read(dma: bigint, len: number): Uint8Array {
    const out = new Uint8Array(len)
    this.#walk(
      dma,
      len,
      'read',
      (phys, pos, n) => {
        const data = this.#env.mem.read(phys, n)
        this.#scramble(phys, data)
        out.set(data, pos)
      },
      (pos, n) => out.fill(0xff, pos, pos + n),
    )
    return out
  }

  write(dma: bigint, data: Uint8Array): void {
    this.#walk(
      dma,
      data.length,
      'write',
      (phys, pos, n) => {
        const chunk = data.slice(pos, pos + n)
        this.#scramble(phys, chunk)
        const cache = this.#env.cache
        if (cache !== undefined) cache.deviceWrote(phys, this.#env.mem.read(phys, n))
        this.#env.mem.write(phys, chunk)
      },
      () => {},
    )
  }

  #scramble(phys: bigint, data: Uint8Array): void {
    for (const r of this.privateRanges) {
      if (phys + BigInt(data.length) <= r.start || phys >= r.end) continue
      for (let i = 0; i < data.length; i++) {
        const a = phys + BigInt(i)
        if (a < r.start || a >= r.end) continue
        data[i] = (data[i] as number) ^ (fmix32(Number(a & 0xffff_ffffn) ^ 0x5eed_c0c0) & 0xff) ^ 0xa5
      }
    }
  }

  #fault(kind: 'read' | 'write', dma: bigint, reason: number, text: string, note: string): void {
    this.faults++
    const d = this.#env.dev
    const src = d.bdf.replace(/^[0-9a-f]{4}:/, '')
    this.#env.reporter.report(
      'DMAR',
      'error',
      'iommu',
      `DMAR: [${kind === 'read' ? 'DMA Read' : 'DMA Write'} NO_PASID] Request device [${src}] fault addr ${hex(dma & VTD_PAGE_MASK)} [fault reason 0x${reason.toString(16).padStart(2, '0')}] ${text}${note ? ` (${note})` : ''}`,
    )
  }

  #walk(dma: bigint, len: number, kind: 'read' | 'write', hit: (phys: bigint, pos: number, n: number) => void, miss: (pos: number, n: number) => void): void {
    const env = this.#env
    const p2pBar = env.p2p.barOfBusAddr(dma)
    if (p2pBar !== undefined && this.#peerRoutable(p2pBar.device)) {
      const phys = dma - p2pBar.busOffset
      if (dma + BigInt(len) > p2pBar.bar + p2pBar.busOffset + p2pBar.size)
        env.reporter.report('P5', 'error', 'dmaplan', `device ${kind} at bus address ${hex(dma)}+${len} runs past the BAR of ${p2pBar.device}`)
      hit(phys, 0, len)
      return
    }
    const d = env.domain
    if (!env.dev.dmaIommu || d === undefined) {
      if (!env.windows.covers(dma, BigInt(len)))
        env.reporter.report(
          'DMA',
          'error',
          'dmaplan',
          `device ${kind} of ${len} bytes at DMA address ${hex(dma)} that no live mapping covers; without an IOMMU nothing stops it`,
        )
      if (env.mem.backed(dma, BigInt(len))) hit(dma, 0, len)
      else {
        env.reporter.report('DMA', 'error', 'dmaplan', `device ${kind} at ${hex(dma)} hits no memory (master abort: reads return all ones)`)
        miss(0, len)
      }
      return
    }
    const g = BigInt(d.granule)
    let pos = 0
    let faulted = false
    let staleReported = false
    while (pos < len) {
      const addr = dma + BigInt(pos)
      const n = Number(BigInt(len - pos) < g - (addr % g) ? BigInt(len - pos) : g - (addr % g))
      const t = addr > d.apertureEnd ? undefined : d.pgtable.translate(d.pfn(addr))
      const need = kind === 'read' ? IOMMU_READ : IOMMU_WRITE
      const reason = kind === 'read' ? 6 : 5
      const text = kind === 'read' ? 'PTE Read access is not set' : 'PTE Write access is not set'
      if (addr > d.apertureEnd) {
        if (!faulted) this.#fault(kind, addr, 4, 'Access beyond MGAW', '')
        faulted = true
        miss(pos, n)
      } else if (t === undefined || t.pending || !(t.prot & need)) {
        if (!faulted)
          this.#fault(
            kind,
            addr,
            reason,
            text,
            t === undefined ? 'no mapping' : t.pending ? 'linked but not yet synced, R30' : kind === 'read' ? 'mapped DMA_FROM_DEVICE' : 'mapped DMA_TO_DEVICE',
          )
        faulted = true
        miss(pos, n)
      } else {
        if (t.stale && !staleReported) {
          staleReported = true
          env.reporter.report(
            'R24',
            'error',
            'dmaplan',
            `device ${kind} at IOVA ${hex(addr)} used a stale IOTLB entry: the page was unmapped lazily and the flush queue has not flushed yet`,
          )
        }
        hit(d.addr(t.physPfn) + (addr % g), pos, n)
      }
      pos += n
    }
  }
}
