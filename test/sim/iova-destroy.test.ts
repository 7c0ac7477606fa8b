/**
 * dma_iova_destroy() across releases (drivers/iommu/dma-iommu.c): up to 7.2
 * __iommu_dma_iova_unlink(free_iova) unmapped and freed only the aligned
 * mapped_len, through the flush queue on a lazy domain; 7.3 calls
 * dma_iova_unlink(), whose IOTLB sync is synchronous, then dma_iova_free()
 * of the whole state. Seen on QEMU with Debian's 7.3.4 (test/kernel
 * scenario iova_lazy_reuse).
 */
import { describe, expect, it } from 'vitest'
import { C } from '../../src/sim/stats.js'
import { DMA_BIDIRECTIONAL } from '../../src/sim/consts.js'
import { newIovaState } from '../../src/sim/dma/iova-api.js'
import { findings, machine, map, ram, run, unmap } from './helpers.js'

const PHYS = 0x1_0000_0000n

/** A lazy domain, a state of 4 granules with 3 linked, destroyed with mapped_len 3 granules. */
function destroyPartly(kernel: '7.2' | '7.3') {
  const m = machine({ kernel, flush: 'lazy' })
  const st = newIovaState()
  expect(m.api.dma_iova_try_alloc(st, PHYS, 0x4000n)).toBe(true)
  const addr = st.addr
  expect(m.api.dma_iova_link(st, PHYS, 0n, 0x3000n, DMA_BIDIRECTIONAL, 0)).toBe(0)
  expect(m.api.dma_iova_sync(st, 0n, 0x3000n)).toBe(0)
  const syncs = m.stats.total[C.iotlbSyncs] as number
  m.api.dma_iova_destroy(st, 0x3000n, DMA_BIDIRECTIONAL, 0)
  return { m, addr, syncedAtDestroy: (m.stats.total[C.iotlbSyncs] as number) - syncs }
}

describe('dma_iova_destroy()', () => {
  it('dma-iova-destroy-sync: 7.3 frees the whole IOVA allocation at once, after a synchronous IOTLB sync', () => {
    const { m, addr, syncedAtDestroy } = destroyPartly('7.3')
    expect(syncedAtDestroy).toBe(1)
    expect(m.domain?.fq?.queued.length).toBe(0)
    // The translation is gone from the IOTLB: the device faults instead of reading through a stale entry.
    m.engine.read(addr, 4)
    expect(findings(m, 'DMAR')).toHaveLength(1)
    expect(findings(m, 'K-R24')).toHaveLength(0)
    // All 4 granules are back in the IOVA cache: a state of the same size gets the same address.
    const again = newIovaState()
    expect(m.api.dma_iova_try_alloc(again, PHYS, 0x4000n)).toBe(true)
    expect(again.addr).toBe(addr)
  })

  it('dma-iova-destroy-sync: up to 7.2 only mapped_len is freed, through the flush queue of a lazy domain', () => {
    const { m, addr, syncedAtDestroy } = destroyPartly('7.2')
    expect(syncedAtDestroy).toBe(0)
    expect(m.domain?.fq?.queued.length).toBe(1)
    // The device still reads through the IOTLB until the queue flushes.
    m.engine.read(addr, 4)
    expect(findings(m, 'K-R24')).toHaveLength(1)
    // The freed IOVA waits in the queue: the next state of the same size gets another address.
    const again = newIovaState()
    expect(m.api.dma_iova_try_alloc(again, PHYS, 0x4000n)).toBe(true)
    expect(addr).toBe(0xffff_c000n)
    expect(again.addr).toBe(0xffff_8000n)
  })

  it('dma-iova-destroy-sync: on a lazy domain a state destroyed on 7.3 is reused by the next one, a dma_unmap_phys() IOVA is not (seen on QEMU)', () => {
    // test/kernel scenario iova_lazy_reuse on Debian 7.3.4: t1 and t2 both at 0xfffc000, p1 at 0xfffb000, p2 at 0xfffa000.
    const spec = (kernel: string) => ({
      kernel,
      flush: 'lazy' as const,
      ramBytes: '0x20000000',
      device: { dmaMask: 28 },
      regions: [
        ram('scratch', 0x1000, { phys: '0x2dd3000' }),
        ram('a', 0x2000, { phys: '0x27c8000' }),
        ram('b', 0x2000, { phys: '0x27c6000' }),
        ram('p', 0x1000, { phys: '0x2dfb000' }),
        ram('q', 0x1000, { phys: '0x2dfc000' }),
      ],
      // The harness's coherent page comes first (harnessPlan()).
      steps: [
        map('scratch', 'coherent', ['scratch']),
        map('t1', 'iova', ['a']),
        unmap('t1'),
        map('t2', 'iova', ['b'], 'to-device'),
        map('p1', 'page', ['p'], 'to-device'),
        unmap('p1'),
        map('p2', 'page', ['q'], 'to-device'),
        unmap('p2'),
        unmap('t2'),
        unmap('scratch'),
      ],
    })
    const first = (kernel: string) => run(spec(kernel)).result.transactions.slice(1).map((t) => [t.name, t.segments[0]?.dma])
    expect(first('7.3')).toEqual([
      ['t1', '0xfffc000'],
      ['t2', '0xfffc000'],
      ['p1', '0xfffb000'],
      ['p2', '0xfffa000'],
    ])
    // Up to 7.2 t1's IOVA would still be in the flush queue when t2 asks.
    expect(first('7.2')).toEqual([
      ['t1', '0xfffc000'],
      ['t2', '0xfffa000'],
      ['p1', '0xfff9000'],
      ['p2', '0xfff8000'],
    ])
  })
})
