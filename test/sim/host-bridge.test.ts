/**
 * iova_reserve_pci_windows() (drivers/iommu/dma-iommu.c): a PCI device's
 * IOVA space reserves its host bridge's memory windows, q35's in the model
 * (src/sim/iommu/host-bridge.ts).
 */
import { describe, expect, it } from 'vitest'
import { q35HostBridgeWindows } from '../../src/sim/iommu/host-bridge.js'
import { ramRanges } from '../../src/sim/mem/layout.js'
import { map, ram, run, unmap } from './helpers.js'

const windows = (ramBytes: bigint) => q35HostBridgeWindows(ramRanges(ramBytes)).map((w) => `0x${w.start.toString(16)}-0x${(w.end - 1n).toString(16)}`)

describe("the host bridge's windows in the IOVA space", () => {
  it("K-R22 q35's host bridge windows are the boot's root bus resources", () => {
    // Debian 7.3.4 on QEMU q35, "pci_bus 0000:00: root bus resource [mem ...]"; with 512 MiB:
    expect(windows(512n << 20n)).toEqual(['0xa0000-0xbffff', '0x20000000-0xafffffff', '0xc0000000-0xfebfffff', '0x100000000-0x8ffffffff'])
    // With 6 GiB (RAM from 2.75 GiB: 2 GiB below 4 GiB, the rest above), the 64-bit hole from the next GiB boundary.
    expect(windows(6n << 30n)).toEqual(['0xa0000-0xbffff', '0x80000000-0xafffffff', '0xc0000000-0xfebfffff', '0x200000000-0x9ffffffff'])
  })

  it("K-R22 the host bridge's windows are reserved IOVA space: a 20-bit device's IOVAs walk around the VGA window (seen on QEMU)", () => {
    // test/kernel scenario iova_strict_nospace on Debian 7.3.4: the harness's page at 0xff000, no room for the
    // 128-granule state, then 0x40000 (the VGA window 0xa0000-0xbffff is in the way of 0x80000), 0x20000,
    // and, after the retry walk from the top, 0xc0000.
    const { result } = run({
      kernel: '7.3',
      ramBytes: '0x20000000',
      device: { dmaMask: 20 },
      regions: [
        ram('scratch', 0x1000, { phys: '0x2db4000' }),
        ram('a', 0x40000, { phys: '0x2e40000' }),
        ram('b', 0x20000, { phys: '0x2e80000' }),
        ram('c', 0x20000, { phys: '0x2ee0000' }),
      ],
      steps: [map('scratch', 'coherent', ['scratch']), map('mr', 'iova', ['a', 'b', 'c']), unmap('mr'), unmap('scratch')],
    })
    const [scratch, mr] = result.transactions
    expect(scratch?.segments.map((s) => s.dma)).toEqual(['0xff000'])
    expect(mr?.calls[0]).toMatchObject({ fn: 'dma_iova_try_alloc', ret: false })
    expect(mr?.segments.map((s) => [s.dma, s.len])).toEqual([
      ['0x40000', '0x40000'],
      ['0x20000', '0x20000'],
      ['0xc0000', '0x20000'],
    ])
  })
})
