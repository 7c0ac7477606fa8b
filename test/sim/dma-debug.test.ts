/**
 * The CONFIG_DMA_API_DEBUG checks (D4-D22) with the kernel's messages.
 * D1-D3 (vmalloc, stack, kernel text) do not apply to plan memory.
 */
import { describe, expect, it } from 'vitest'
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_MAPPING_ERROR, DMA_TO_DEVICE, IGNORE_CACHELINES, SKIP_CPU_SYNC } from '../../src/sim/consts.js'
import { buildSgTable } from '../../src/sim/dma/scatterlist.js'
import { newIovaState } from '../../src/sim/dma/iova-api.js'
import { findings, machine, map, ram, run } from './helpers.js'

const P = 0x1_0000_0000n
const direct = (extra = {}) => machine({ iommu: 'none', ...extra })
const only = (m: ReturnType<typeof machine>, id: string) => findings(m, id).map((f) => f.message)

describe('dma-debug', () => {
  it('D4 an sg segment longer than the device max segment size', () => {
    const m = direct({ device: { maxSegmentSize: 0x1000 } })
    const sgt = buildSgTable([{ region: 'a', phys: P, len: 0x2000n }], 0x10000)
    m.api.dma_map_sgtable(sgt, DMA_TO_DEVICE, 0)
    expect(only(m, 'D4')).toEqual(['DMA-API: dev0 0000:00:03.0: mapping sg segment longer than device claims to support [len=8192] [max=4096]'])
  })

  it('D5 an sg segment across the device segment boundary', () => {
    const m = direct()
    const sgt = buildSgTable([{ region: 'a', phys: 0x1_ffff_f000n, len: 0x2000n }], 0x10000)
    m.api.dma_map_sgtable(sgt, DMA_TO_DEVICE, 0)
    expect(only(m, 'D5')[0]).toMatch(
      /mapping sg segment across boundary \[start=0x00000001fffff000\] \[end=0x0000000200000fff\] \[boundary=0x00000000ffffffff\]/,
    )
  })

  it('D6 overlapping mappings of one cacheline (not for TO_DEVICE, SKIP_CPU_SYNC or both IGNORE_CACHELINES)', () => {
    const m = direct({ kernel: '6.19' })
    m.api.dma_map_phys(P, 0x100n, DMA_TO_DEVICE, 0)
    m.api.dma_map_phys(P, 0x100n, DMA_TO_DEVICE, 0)
    expect(only(m, 'D6')).toHaveLength(0)
    m.api.dma_map_phys(P, 0x100n, DMA_FROM_DEVICE, 0)
    m.api.dma_map_phys(P + 0x20n, 0x20n, DMA_FROM_DEVICE, 0)
    expect(only(m, 'D6')).toEqual(["DMA-API: dev0 0000:00:03.0: cacheline tracking EEXIST, overlapping mappings aren't supported"])
    m.api.dma_map_phys(P, 0x100n, DMA_FROM_DEVICE, SKIP_CPU_SYNC)
    expect(only(m, 'D6')).toHaveLength(1)
    const ok = direct({ kernel: '6.19' })
    ok.api.dma_map_phys(P, 0x40n, DMA_FROM_DEVICE, IGNORE_CACHELINES)
    ok.api.dma_map_phys(P, 0x40n, DMA_FROM_DEVICE, IGNORE_CACHELINES)
    expect(only(ok, 'D6')).toHaveLength(0)
    const many = direct({ kernel: '6.19' })
    for (let i = 0; i < 9; i++) many.api.dma_map_phys(P, 0x40n, DMA_FROM_DEVICE, SKIP_CPU_SYNC)
    expect(only(many, 'D6')).toEqual(['DMA-API: exceeded 7 overlapping mappings of cacheline 0x4000000'])
  })

  it('D7 failed mappings are not recorded', () => {
    const m = direct({ ramBytes: '0x20000000', device: { dmaMask: 28 } })
    expect(m.api.dma_map_phys(0x13f91000n, 0x1000n, DMA_TO_DEVICE, 0)).toBe(DMA_MAPPING_ERROR)
    expect(m.debug.liveEntries).toBe(0)
  })

  it('D8 unmapping the error value', () => {
    const m = direct()
    m.api.dma_unmap_phys(DMA_MAPPING_ERROR, 0x1000n, DMA_TO_DEVICE, 0)
    expect(only(m, 'D8')).toEqual(['DMA-API: dev0 0000:00:03.0: device driver tries to free an invalid DMA memory address'])
  })

  it('D9 unmapping what was never mapped, or twice', () => {
    const m = direct()
    const a = m.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0)
    m.api.dma_mapping_error(a)
    m.api.dma_unmap_phys(a, 0x1000n, DMA_TO_DEVICE, 0)
    m.api.dma_unmap_phys(a, 0x1000n, DMA_TO_DEVICE, 0)
    expect(only(m, 'D9')).toEqual([
      'DMA-API: dev0 0000:00:03.0: device driver tries to free DMA memory it has not allocated [device address=0x0000000100000000] [size=4096 bytes]',
    ])
  })

  it('D10 unmapping with a different size', () => {
    const m = direct()
    const a = m.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0)
    m.api.dma_mapping_error(a)
    m.api.dma_unmap_phys(a, 0x2000n, DMA_TO_DEVICE, 0)
    expect(only(m, 'D10')).toEqual([
      'DMA-API: dev0 0000:00:03.0: device driver frees DMA memory with different size [device address=0x0000000100000000] [map size=4096 bytes] [unmap size=8192 bytes]',
    ])
  })

  it('D11 unmapping with the wrong function', () => {
    const m = direct({ kernel: '6.12' })
    const a = m.api.dma_map_page_attrs(P, 0x1000n, DMA_TO_DEVICE, 0)
    m.api.dma_mapping_error(a)
    m.api.dma_unmap_resource(a, 0x1000n, DMA_TO_DEVICE, 0)
    expect(only(m, 'D11')[0]).toMatch(
      /frees DMA memory with wrong function \[device address=0x0000000100000000\] \[size=4096 bytes\] \[mapped as single\] \[unmapped as resource\]/,
    )
  })

  it('D12 freeing coherent memory with a different CPU address', () => {
    const m = direct()
    const h = m.api.dma_alloc_coherent(0x1000n, P) ?? 0n
    m.api.dma_free_coherent(0x1000n, P + 0x1000n, h)
    expect(only(m, 'D12')[0]).toMatch(/frees DMA memory with different CPU address/)
  })

  it('D13 unmapping an sg list with a different entry count', () => {
    const m = direct()
    const sgt = buildSgTable(
      [
        { region: 'a', phys: P, len: 0x1000n },
        { region: 'b', phys: P + 0x10000n, len: 0x1000n },
      ],
      0x10000,
    )
    m.api.dma_map_sgtable(sgt, DMA_TO_DEVICE, 0)
    m.debug.unmapSg(sgt, 1, 1, DMA_TO_DEVICE, 0)
    expect(only(m, 'D13')).toEqual(['DMA-API: dev0 0000:00:03.0: device driver frees DMA sg list with different entry count [map count=2] [unmap count=1]'])
  })

  it('D14 unmapping with a different direction', () => {
    const m = direct()
    const a = m.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0)
    m.api.dma_mapping_error(a)
    m.api.dma_unmap_phys(a, 0x1000n, DMA_FROM_DEVICE, 0)
    expect(only(m, 'D14')[0]).toMatch(/\[mapped with DMA_TO_DEVICE\] \[unmapped with DMA_FROM_DEVICE\]/)
  })

  it('D15 a mapping whose error was never checked, reported at unmap', () => {
    const m = direct()
    const a = m.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, 0)
    m.api.dma_unmap_phys(a, 0x1000n, DMA_TO_DEVICE, 0)
    expect(only(m, 'D15')[0]).toMatch(/device driver failed to check map error\[device address=0x0000000100000000\] \[size=4096 bytes\] \[mapped as phy\]/)
  })

  it('D16 syncing memory that is not mapped (also after unmap)', () => {
    const m = direct()
    m.api.dma_sync_single_for_cpu(P, 0x100n, DMA_FROM_DEVICE)
    expect(only(m, 'D16')[0]).toMatch(/tries to sync DMA memory it has not allocated \[device address=0x0000000100000000\] \[size=256 bytes\]/)
  })

  it('D17 a sync larger than its mapping is caught by the containment lookup first: the kernel reports D16', () => {
    // check_sync() only finds entries that contain the whole synced range, so its size check never fires.
    const m = direct()
    m.api.dma_map_phys(P, 0x100n, DMA_FROM_DEVICE, 0)
    m.api.dma_sync_single_for_cpu(P, 0x200n, DMA_FROM_DEVICE)
    expect(only(m, 'D17')).toHaveLength(0)
    expect(only(m, 'D16')).toHaveLength(1)
  })

  it('D16 a sync finds a mapping that starts more than 128 MiB before it: the walk back meets it in a bucket it shares with nearer granules', () => {
    // bucket_find_contain() walks 16384 buckets of 8 KiB back, one lap of the hash: a mapping that starts 200 MiB
    // before the synced address sits in the bucket reached 9216 granules back, which is that of granule 0xc000 too.
    const m = direct({ ramBytes: '0x40000000' })
    m.api.dma_map_phys(0x1000_0000n, 0x1000_0000n, DMA_FROM_DEVICE, 0)
    m.api.dma_sync_single_for_cpu(0x1000_0000n + 200n * 0x10_0000n, 0x1000n, DMA_FROM_DEVICE)
    expect(only(m, 'D16')).toEqual([])
  })

  it('D18 D19 syncing with another direction; device read-only memory for the CPU, write-only to the device', () => {
    const m = direct()
    m.api.dma_map_phys(P, 0x100n, DMA_TO_DEVICE, 0)
    m.api.dma_sync_single_for_cpu(P, 0x100n, DMA_FROM_DEVICE)
    expect(only(m, 'D18')[0]).toMatch(/\[mapped with DMA_TO_DEVICE\] \[synced with DMA_FROM_DEVICE\]/)
    expect(only(m, 'D19')[0]).toMatch(/syncs device read-only DMA memory for cpu/)
    const w = direct()
    w.api.dma_map_phys(P, 0x100n, DMA_FROM_DEVICE, 0)
    w.api.dma_sync_single_for_device(P, 0x100n, DMA_BIDIRECTIONAL)
    expect(only(w, 'D19')[0]).toMatch(/syncs device write-only DMA memory to device/)
  })

  it('D20 syncing an sg list with a different entry count', () => {
    const m = direct()
    const sgt = buildSgTable(
      [
        { region: 'a', phys: P, len: 0x1000n },
        { region: 'b', phys: P + 0x10000n, len: 0x1000n },
      ],
      0x10000,
    )
    m.api.dma_map_sgtable(sgt, DMA_FROM_DEVICE, 0)
    m.debug.sync({ type: 'scatter-gather', devAddr: P, size: 0x1000n, dir: DMA_FROM_DEVICE, sgCallEnts: 1 }, true)
    expect(only(m, 'D20')).toEqual(['DMA-API: dev0 0000:00:03.0: device driver syncs DMA sg list with different entry count [map count=2] [sync count=1]'])
  })

  it('D21 unbinding the driver with live mappings', () => {
    const { result } = run({ regions: [ram('a', 0x1000)], steps: [map('t', 'page', ['a']), { op: 'keep', tx: 't' }] }, { unbind: true })
    const f = result.findings.find((x) => x.id === 'D21')
    expect(f?.message).toMatch(
      /has pending DMA allocations while released from device \[count=1\]\nOne of leaked entries details: \[device address=0x00000000fffff000\] \[size=4096 bytes\] \[mapped with DMA_BIDIRECTIONAL\] \[mapped as phy\]/,
    )
  })

  it('D21 the entry named is the last one device_dma_allocations() finds walking the hash bucket by bucket, not the oldest', () => {
    const m = direct()
    // Buckets 0, 5 and 1 (hash_fn(): bits 13 and up of the DMA address), mapped in that order.
    for (const at of [P, P + 5n * 0x2000n, P + 0x2000n]) m.api.dma_map_phys(at, 0x1000n, DMA_FROM_DEVICE, 0)
    m.debug.release()
    expect(only(m, 'D21')).toEqual([
      'DMA-API: pci 0000:00:03.0: device driver has pending DMA allocations while released from device [count=3]\nOne of leaked entries details: [device address=0x000000010000a000] [size=4096 bytes] [mapped with DMA_FROM_DEVICE] [mapped as phy]',
    ])
  })

  it('D21 the report at unbind names the bus, pci, as the driver: the notifier runs after the driver is gone (seen on 6.12 and 7.3 debug kernels)', () => {
    const { result } = run({ regions: [ram('a', 0x1000)], steps: [map('t', 'page', ['a']), { op: 'keep', tx: 't' }] }, { unbind: true })
    expect(result.findings.find((x) => x.id === 'D21')?.message).toMatch(/^DMA-API: pci 0000:00:03\.0: device driver has pending DMA allocations/)
  })

  it('K-R16 unmapping an IOVA with no translation WARNs in iommu_dma_unmap_page() before dma_map_phys() and iommu_dma_unmap_phys() from it, and unmaps nothing', () => {
    for (const [kernel, fn] of [
      ['6.12', 'iommu_dma_unmap_page'],
      ['7.3', 'iommu_dma_unmap_phys'],
    ] as const) {
      const m = machine({ kernel })
      if (kernel === '6.12') m.api.dma_unmap_page_attrs(0xfffff000n, 0x1000n, DMA_TO_DEVICE, 0)
      else m.api.dma_unmap_phys(0xfffff000n, 0x1000n, DMA_TO_DEVICE, 0)
      expect(findings(m, 'K-R16').map((f) => f.message.split(':')[1]?.trim())).toEqual([fn])
    }
  })

  it('D12 prints the CPU addresses with the format 0x%pa, whose %pa prints its own 0x: 0x0x... (seen on 6.12 and 7.3)', () => {
    const m = direct()
    const h = m.api.dma_alloc_coherent(0x1000n, P) ?? 0n
    m.api.dma_free_coherent(0x1000n, P + 0x1000n, h)
    expect(only(m, 'D12')[0]).toMatch(/\[cpu alloc address=0x0x0000000100000000\] \[cpu free address=0x0x0000000100001000\]$/)
  })

  it('K-R34 an unlink of what is not linked WARNs in __iommu_dma_iova_unlink() up to 7.2 and in dma_iova_unlink() from 7.3', () => {
    for (const [kernel, fn] of [
      ['7.2', '__iommu_dma_iova_unlink'],
      ['7.3', 'dma_iova_unlink'],
    ] as const) {
      const m = machine({ kernel })
      const st = newIovaState()
      expect(m.api.dma_iova_try_alloc(st, P, 0x2000n)).toBe(true)
      m.api.dma_iova_unlink(st, 0x1000n, 0x1000n, DMA_TO_DEVICE, 0)
      expect(m.reporter.findings.filter((f) => f.message.startsWith('WARNING: ')).map((f) => f.message.split(':')[1]?.trim())).toEqual([fn])
    }
  })

  it('D22 the entry pool grows a page at a time and shouts when it passes a multiple of the preallocation', () => {
    const m = direct()
    // 32 entries per page: the pool reaches 2 x 65536 at the 131041st live entry.
    for (let i = 0; i < 131040; i++) m.debug.map('phy', P + BigInt(i) * 0x1000n, P + BigInt(i) * 0x1000n, 0x1000n, DMA_TO_DEVICE, 0)
    expect(only(m, 'D22')).toHaveLength(0)
    m.debug.map('phy', P, P, 0x1000n, DMA_TO_DEVICE, 0)
    expect(only(m, 'D22')).toEqual(['DMA-API: dma_debug_entry pool grown to 131072 (200%)'])
  })

  it('D22 with dma_debug_entries=100 the pool starts at whole pages (128) and shouts at 200, then at each 100 after 300', () => {
    const m = machine({ iommu: 'none' }, { dmaDebugEntries: 100 })
    expect(m.debug.poolSize).toBe(128)
    // Grown to 160 (60 % 100 is 60: silent), 192 (92), 224 (24 < 32: "200%"), ..., 320 (20: "300%").
    for (let i = 0; i < 289; i++) m.debug.map('phy', P + BigInt(i) * 0x1000n, P + BigInt(i) * 0x1000n, 0x1000n, DMA_TO_DEVICE, 0)
    expect(only(m, 'D22')).toEqual(['DMA-API: dma_debug_entry pool grown to 224 (200%)', 'DMA-API: dma_debug_entry pool grown to 320 (300%)'])
  })
})
