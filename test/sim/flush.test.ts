/**
 * Strict and lazy IOTLB flushing (K-R23 to K-R25): what the device can still
 * reach after an unmap, and when the IOVA comes back.
 */
import { describe, expect, it } from 'vitest'
import { DMA_BIDIRECTIONAL } from '../../src/sim/consts.js'
import { newIovaState } from '../../src/sim/dma/iova-api.js'
import { FlushQueue } from '../../src/sim/iommu/flush-queue.js'
import { findings, hex, machine } from './helpers.js'

const PHYS = 0x1_2345_6000n

describe('IOTLB flushing', () => {
  it('K-R23 a strict domain syncs the IOTLB on every unmap: the device faults right away', () => {
    const m = machine({ flush: 'strict' })
    const a = m.api.dma_map_phys(PHYS, 4096n, DMA_BIDIRECTIONAL, 0)
    m.api.dma_unmap_phys(a, 4096n, DMA_BIDIRECTIONAL, 0)
    expect(m.stats.total[2]).toBe(1) // iotlbSyncs
    m.engine.read(a, 16)
    const f = findings(m, 'DMAR')
    expect(f).toHaveLength(1)
    expect(f[0]?.message).toBe(
      `DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr ${hex(a)} [fault reason 0x06] PTE Read access is not set (no mapping)`,
    )
    // The IOVA is free again at once (through the magazine).
    expect(m.api.dma_map_phys(PHYS, 4096n, DMA_BIDIRECTIONAL, 0)).toBe(a)
  })

  it('K-R23 untrusted devices are forced strict even when the platform is lazy', () => {
    const m = machine({ flush: 'lazy', device: { trusted: false } })
    expect(m.domain?.fq).toBeUndefined()
    expect(machine({ flush: 'lazy' }).domain?.fq).toBeInstanceOf(FlushQueue)
  })

  it('K-R24 a lazy unmap leaves the translation in the IOTLB until the flush queue flushes (10 ms: 3 jiffies, filed a jiffy late: the fourth tick)', () => {
    const m = machine({ flush: 'lazy' })
    const a = m.api.dma_map_phys(PHYS, 4096n, DMA_BIDIRECTIONAL, 0)
    m.mem.write(PHYS, new Uint8Array([1, 2, 3, 4]))
    m.api.dma_unmap_phys(a, 4096n, DMA_BIDIRECTIONAL, 0)
    expect(m.domain?.pgtable.present).toBe(0)
    expect(m.stats.total[2]).toBe(0) // no ranged IOTLB sync
    // The stale entry still translates: the device reads freed memory, reported as such.
    expect([...m.engine.read(a, 4)]).toEqual([1, 2, 3, 4])
    expect(findings(m, 'K-R24')).toHaveLength(1)
    // The IOVA is not reusable before the flush.
    const b = m.api.dma_map_phys(PHYS, 4096n, DMA_BIDIRECTIONAL, 0)
    expect(a).toBe(0xffff_f000n)
    expect(b).toBe(0xffff_e000n)
    m.clock.advance(15)
    expect(m.stats.total[3]).toBe(0)
    m.clock.advance(1)
    expect(m.stats.total[3]).toBe(1) // flush_iotlb_all, on the tick at 16 ms
    m.engine.read(a, 4)
    expect(findings(m, 'DMAR')).toHaveLength(1)
    // After the flush the IOVA went to the magazine and is handed out again.
    expect(m.api.dma_map_phys(PHYS, 4096n, DMA_BIDIRECTIONAL, 0)).toBe(a)
  })

  it('K-R24 a full flush queue (255 entries) forces a flush before the next entry', () => {
    const m = machine({ flush: 'lazy' })
    const addrs: bigint[] = []
    for (let i = 0; i < 256; i++) addrs.push(m.api.dma_map_phys(PHYS + BigInt(i) * 4096n, 4096n, DMA_BIDIRECTIONAL, 0))
    for (let i = 0; i < 255; i++) m.api.dma_unmap_phys(addrs[i] as bigint, 4096n, DMA_BIDIRECTIONAL, 0)
    expect(m.stats.total[3]).toBe(0)
    expect(m.domain?.fq?.queued.length).toBe(255)
    m.api.dma_unmap_phys(addrs[255] as bigint, 4096n, DMA_BIDIRECTIONAL, 0)
    expect(m.stats.total[3]).toBe(1)
    expect(m.domain?.fq?.queued.length).toBe(1)
  })

  it('K-R25 dma_iova_unlink is always strict, dma_iova_destroy follows the lazy policy, dma_iova_free is immediate', () => {
    const m = machine({ flush: 'lazy' })
    const st = newIovaState()
    expect(m.api.dma_iova_try_alloc(st, 0n, 0x3000n)).toBe(true)
    for (let i = 0; i < 3; i++) expect(m.api.dma_iova_link(st, PHYS + BigInt(i) * 0x10000n, BigInt(i) * 0x1000n, 0x1000n, DMA_BIDIRECTIONAL, 0)).toBe(0)
    expect(m.api.dma_iova_sync(st, 0n, 0x3000n)).toBe(0)
    m.api.dma_iova_unlink(st, 0x2000n, 0x1000n, DMA_BIDIRECTIONAL, 0)
    expect(m.stats.total[2]).toBe(1)
    m.engine.read(st.addr + 0x2000n, 4)
    expect(findings(m, 'DMAR')).toHaveLength(1)
    m.api.dma_iova_destroy(st, 0x2000n, DMA_BIDIRECTIONAL, 0)
    expect(m.stats.total[2]).toBe(1)
    expect(m.domain?.fq?.queued.length).toBe(1)
    m.engine.read(st.addr, 4)
    expect(findings(m, 'K-R24')).toHaveLength(1)
    // dma_iova_free of a second state frees at once: its IOVA is reused by the next try_alloc.
    const s2 = newIovaState()
    m.api.dma_iova_try_alloc(s2, 0n, 0x1000n)
    const addr = s2.addr
    m.api.dma_iova_free(s2)
    const s3 = newIovaState()
    m.api.dma_iova_try_alloc(s3, 0n, 0x1000n)
    expect(s3.addr).toBe(addr)
  })
})
