/**
 * The DMA engine: every access goes where the platform routes it, and an
 * access nothing maps is reported, never silent.
 */
import { describe, expect, it } from 'vitest'
import { DMA_BIDIRECTIONAL, DMA_TO_DEVICE } from '../../src/sim/consts.js'
import { findings, machine, map, ram, run, unmap } from './helpers.js'

const P = 0x1_0000_0000n

describe('DMA engine', () => {
  it('an address past the IOMMU\'s input width is a DMAR fault "Access beyond MGAW"', () => {
    const m = machine({ addressWidth: 39 })
    m.engine.read(1n << 40n, 4)
    expect(findings(m, 'DMAR')[0]?.message).toBe(
      'DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x10000000000 [fault reason 0x04] Access beyond MGAW',
    )
  })

  it('without an IOMMU, an access no live mapping covers is reported, and memory is still hit', () => {
    const m = machine({ iommu: 'none' })
    m.mem.write(P, new Uint8Array([5]))
    expect(m.engine.read(P, 1)[0]).toBe(5)
    expect(findings(m, 'DMA')[0]?.message).toMatch(/no live mapping covers; without an IOMMU nothing stops it/)
    const a = m.api.dma_map_phys(P, 0x10n, DMA_TO_DEVICE, 0)
    m.engine.read(a, 0x10)
    expect(findings(m, 'DMA')).toHaveLength(1)
  })

  it('an address that hits no memory reads all ones (master abort)', () => {
    const m = machine({ iommu: 'none' })
    expect([...m.engine.read(0x7000_0000_0000n, 2)]).toEqual([0xff, 0xff])
    expect(findings(m, 'DMA').filter((f) => /master abort/.test(f.message)).map((x) => x.message)).toEqual(['device read at 0x700000000000 hits no memory (master abort: reads return all ones)'])
  })

  it('a device write through the IOMMU lands in the mapped page, the CPU sees it', () => {
    const m = machine()
    const a = m.api.dma_map_phys(P + 0x10n, 0x10n, DMA_BIDIRECTIONAL, 0)
    m.engine.write(a, new Uint8Array([1, 2, 3]))
    expect([...m.cpuRead(P + 0x10n, 3)]).toEqual([1, 2, 3])
  })

  it('a plan with device reads and writes checks every byte', () => {
    const { result } = run({
      regions: [ram('a', 0x3000)],
      steps: [
        map('t', 'page', ['a']),
        { op: 'cpu-write', region: 'a', offset: '0x100', bytes: '0x200' },
        { op: 'device-read', tx: 't', region: 'a' },
        { op: 'device-write', tx: 't', region: 'a', offset: '0x1000', bytes: '0x10' },
        unmap('t'),
        { op: 'cpu-read', region: 'a' },
      ],
    })
    expect(result.data.checks).toBe(2)
    expect(result.data.errors).toEqual([])
  })
})
