/**
 * Every entry of src/plan/kernel-changes.ts, checked in the model on both
 * sides of its first and last release. Each test's name starts with the
 * entry's id; the last test checks that every entry has one (here or in
 * another file of test/).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { backportedFixes, KERNEL_CHANGE_IDS, KERNEL_CHANGES, kernelHas } from '../../src/plan/kernel-changes.js'
import { KERNEL_VERSIONS } from '../../src/plan/kernel.js'
import { kernelReleasesMarkdown } from '../../src/plan/kernel-doc.js'
import type { KernelVersion } from '../../src/plan/kernel.js'
import { validatePlan } from '../../src/plan/rules/validate.js'
import { DMA_FROM_DEVICE, DMA_MAPPING_ERROR, DMA_TO_DEVICE, ERRNO, IOMMU_MMIO, MMIO } from '../../src/sim/consts.js'
import { newP2pState } from '../../src/sim/dma/p2pdma.js'
import type { SgRange } from '../../src/sim/dma/scatterlist.js'
import { ROOT } from '../support/fixtures.js'
import { findings, machine, map, mkPlan, ram, run, unmap } from './helpers.js'

const P = 0x1_0000_0000n
const BAR = 0x380_0000_0000n
const gpu = (at?: string) => ({ name: 'gpu', ...(at ? { at } : {}), p2pMemory: { bytes: '0x100000', bar: '0x38000000000' } })

/** The releases around a change's window: the last without it, its first, its last, the first after it. */
function around(id: keyof typeof KERNEL_CHANGES): { release: KernelVersion; has: boolean }[] {
  const c: { first: KernelVersion; last?: KernelVersion } = KERNEL_CHANGES[id]
  const i = KERNEL_VERSIONS.indexOf(c.first)
  const j = c.last === undefined ? KERNEL_VERSIONS.length - 1 : KERNEL_VERSIONS.indexOf(c.last)
  const picks = new Set([i - 1, i, j, j + 1].filter((k) => k >= 0 && k < KERNEL_VERSIONS.length))
  return [...picks].map((k) => {
    const release = KERNEL_VERSIONS[k] as KernelVersion
    return { release, has: kernelHas(release, id) }
  })
}

/** The segments dma_map_sgtable() gives for these ranges: [dma, len] in hex. */
function sgSegments(kernel: KernelVersion, spec: Parameters<typeof machine>[0], ranges: SgRange[]): string[][] {
  const m = machine({ ...spec, kernel })
  const sgt = m.api.sg_alloc_table(ranges)
  if (typeof sgt === 'number') throw new Error('sg_alloc_table failed')
  const n = m.api.dma_map_sgtable(sgt, DMA_TO_DEVICE, 0)
  if (n < 0) return [[`error ${n}`]]
  return sgt.entries().slice(0, sgt.nents).map((s) => [`0x${s.dmaAddress.toString(16)}`, `0x${s.dmaLength.toString(16)}`])
}

describe('what changed in the DMA layer, release by release', () => {
  it('has windows that are releases in order, and the newest release by default', () => {
    for (const id of KERNEL_CHANGE_IDS) {
      const c: { first: KernelVersion; last?: KernelVersion } = KERNEL_CHANGES[id]
      expect(KERNEL_VERSIONS).toContain(c.first)
      if (c.last !== undefined) expect(KERNEL_VERSIONS.indexOf(c.last)).toBeGreaterThanOrEqual(KERNEL_VERSIONS.indexOf(c.first))
    }
  })

  it('dma-iova-api: dma_iova_try_alloc() says no before 6.16 and yes from it behind a translating IOMMU', () => {
    for (const { release, has } of around('dma-iova-api')) {
      const m = machine({ kernel: release })
      const st = { addr: 0n, size: 0n }
      expect(m.api.dma_iova_try_alloc(st as never, P, 0x3000n), release).toBe(has)
    }
  })

  it('dma-need-unmap: the auto strategy skips dma-direct unmaps only where dma_need_unmap() exists', () => {
    for (const { release, has } of around('dma-need-unmap')) {
      const r = run({ kernel: release, iommu: 'none', regions: [ram('a', 0x1000)], steps: [map('t', 'auto', ['a'], 'to-device'), unmap('t')] })
      const fns = r.result.transactions[0]?.calls.map((c) => c.fn) ?? []
      expect(fns.includes('dma_unmap_phys') || fns.includes('dma_unmap_page_attrs'), release).toBe(!has)
    }
  })

  it('hmm-dma-map: hmm_dma_map_alloc() exists from 6.16 (R9 refuses hmm before)', () => {
    expect(around('hmm-dma-map').map((x) => [x.release, x.has])).toEqual([
      ['6.15', false],
      ['6.16', true],
      ['7.3', true],
    ])
  })

  it("p2pdma-state-helpers: from 6.16 each caller sets a bus-address entry's fields (6.12's pci_p2pdma_map_segment() did it for all)", () => {
    // The observable difference is the quirks below (K-C8, K-R10); here: the windows agree with them.
    for (const { release, has } of around('p2pdma-state-helpers'))
      expect(has || !kernelHas(release, 'sg-bus-addr-head-length'), release).toBe(true)
  })

  it('blk-dma-iter: the block iterators exist from 6.17; R9 refuses blk before', () => {
    for (const { release, has } of around('blk-dma-iter')) {
      const p = mkPlan({ kernel: release, regions: [ram('a', 0x1000)], steps: [map('t', 'blk', ['a'], 'to-device'), unmap('t')] })
      expect(validatePlan(p).some((f) => f.rule === 'R9'), release).toBe(!has)
    }
  })

  it('dma-map-phys: the page strategy calls dma_map_phys() from 6.18, dma_map_page_attrs() before', () => {
    for (const { release, has } of around('dma-map-phys')) {
      const r = run({ kernel: release, regions: [ram('a', 0x1000)], steps: [map('t', 'page', ['a'], 'to-device'), unmap('t')] })
      const fns = r.result.transactions[0]?.calls.map((c) => c.fn) ?? []
      expect(fns.includes('dma_map_phys'), release).toBe(has)
      expect(fns.includes('dma_map_page_attrs'), release).toBe(!has)
    }
  })

  it('trace-dma-map-phys: single mappings are traced as dma_map_phys from 6.18', () => {
    expect(around('trace-dma-map-phys').map((x) => [x.release, x.has])).toEqual([
      ['6.17', false],
      ['6.18', true],
      ['7.3', true],
    ])
  })

  it('hmm-mmio-host-bridge: a host-bridge page of an HMM mirror is mapped IOMMU_MMIO from 6.18 (with SKIP_CPU_SYNC and cacheable before)', () => {
    for (const { release, has } of around('hmm-mmio-host-bridge')) {
      const m = machine({ kernel: release, hostBridgeP2P: true, devices: [gpu()] })
      const { map: hm } = m.hmm.hmm_dma_map_alloc(1, 0x1000)
      if (hm === undefined) throw new Error('hmm_dma_map_alloc failed')
      m.hmm.setPfn(hm, 0, Number(BAR >> 12n))
      const dma = m.hmm.hmm_dma_map_pfn(hm, 0, newP2pState())
      const t = m.domain?.pgtable.translate(Number(dma >> 12n))
      expect(((t?.prot ?? 0) & IOMMU_MMIO) !== 0, release).toBe(has)
    }
  })

  it('blk-mmio-host-bridge: the block iterator maps host-bridge segments IOMMU_MMIO from 6.19', () => {
    for (const { release, has } of around('blk-mmio-host-bridge')) {
      const r = run({
        kernel: release,
        hostBridgeP2P: true,
        devices: [gpu()],
        regions: [{ name: 'v', memory: 'p2p', provider: 'gpu', bytes: '0x1000' }],
        steps: [map('t', 'blk', ['v'], 'to-device')],
      })
      const dma = BigInt(r.result.transactions[0]?.segments[0]?.dma ?? 0)
      const t = r.machine.domain?.pgtable.translate(Number(dma >> 12n))
      expect(((t?.prot ?? 0) & IOMMU_MMIO) !== 0, release).toBe(has)
    }
  })

  it('p2pdma-provider: the provider-based bus address helpers come with 6.19', () => {
    expect(around('p2pdma-provider').map((x) => [x.release, x.has])).toEqual([
      ['6.18', false],
      ['6.19', true],
      ['7.3', true],
    ])
  })

  it('blk-iter-next-no-state: blk_rq_dma_map_iter_next() loses its state argument in 7.0', () => {
    expect(around('blk-iter-next-no-state').map((x) => [x.release, x.has])).toEqual([
      ['6.19', false],
      ['7.0', true],
      ['7.3', true],
    ])
  })

  it('dma-attr-require-coherent: a non-coherent device is refused a REQUIRE_COHERENT map from 7.0', () => {
    const REQUIRE_COHERENT = 1 << 12
    for (const { release, has } of around('dma-attr-require-coherent')) {
      const m = machine({ kernel: release, iommu: 'none', device: { coherent: false } })
      const addr = m.api.dma_map_phys(P, 0x1000n, DMA_TO_DEVICE, REQUIRE_COHERENT)
      expect(addr === DMA_MAPPING_ERROR, release).toBe(has)
    }
  })

  it('hmm-require-coherent: from 7.0 HMM maps with DMA_ATTR_REQUIRE_COHERENT, so a page that would bounce fails instead', () => {
    for (const { release, has } of around('hmm-require-coherent')) {
      // An untrusted device bounces what is not granule-aligned; HMM maps whole pages, so only REQUIRE_COHERENT's own refusal shows: none here.
      const m = machine({ kernel: release, iommu: 'none', swiotlb: { force: true } })
      const { err, map: hm } = m.hmm.hmm_dma_map_alloc(1, 0x1000)
      expect(err).toBe(0)
      if (hm === undefined) throw new Error('hmm_dma_map_alloc failed')
      m.hmm.setPfn(hm, 0, Number(P >> 12n))
      const dma = m.hmm.hmm_dma_map_pfn(hm, 0, newP2pState())
      expect(dma === DMA_MAPPING_ERROR, release).toBe(has)
    }
  })

  it("sg-bus-addr-head-length: 6.16 to 7.1 give a bus-address entry the list head's length", () => {
    const spec = { switches: [{ name: 'sw' }], device: { at: 'sw' }, devices: [gpu('sw')] }
    const list: SgRange[] = [
      { region: 'host', phys: P, len: 0x3000n },
      { region: 'vram', phys: BAR, len: 0x1000n },
    ]
    for (const { release, has } of around('sg-bus-addr-head-length')) expect(sgSegments(release, spec, list)[1], release).toEqual(['0x38000000000', has ? '0x3000' : '0x1000'])
  })

  it('direct-sg-bus-addr-length-unset: 6.16 and 6.17 leave a bus-address entry of a dma-direct list at length 0', () => {
    const spec = { iommu: 'none' as const, switches: [{ name: 'sw' }], device: { at: 'sw' }, devices: [gpu('sw')] }
    const list: SgRange[] = [{ region: 'vram', phys: BAR, len: 0x1000n }]
    for (const { release, has } of around('direct-sg-bus-addr-length-unset')) expect(sgSegments(release, spec, list)[0], release).toEqual(['0x38000000000', has ? '0x0' : '0x1000'])
  })

  it('direct-sg-host-bridge-unmapped: 6.16 to 7.0 leave a host-bridge entry of a dma-direct list at address 0', () => {
    const spec = { iommu: 'none' as const, hostBridgeP2P: true, devices: [gpu()] }
    const list: SgRange[] = [{ region: 'vram', phys: BAR, len: 0x1000n }]
    for (const { release, has } of around('direct-sg-host-bridge-unmapped')) expect(sgSegments(release, spec, list)[0], release).toEqual([has ? '0x0' : '0x38000000000', '0x1000'])
  })

  it('blk-iova-link-error-ignored: 6.17 to 6.19 report success when a link inside the iterator fails', () => {
    for (const { release, has } of around('blk-iova-link-error-ignored')) {
      if (!kernelHas(release, 'blk-dma-iter')) continue
      // An untrusted device without min_align_mask: the bounced head lands granule-aligned and the IOMMU refuses the link (K-R32).
      const r = run({
        kernel: release,
        device: { trusted: false, dmaMask: 64 },
        regions: [ram('a', 0xe00, { offset: '0x200' }), ram('b', 0x1000)],
        steps: [map('t', 'blk', ['a', 'b'], 'to-device'), unmap('t')],
      })
      expect(r.result.transactions[0]?.status === 'failed', release).toBe(!has)
    }
  })

  it('iova-swiotlb-unwind-from-zero: 6.16 to 7.0 unwind a failed bounce link from offset 0, unlinking what an earlier link mapped', () => {
    for (const { release, has } of around('iova-swiotlb-unwind-from-zero')) {
      if (!kernelHas(release, 'dma-iova-api')) continue
      const m = machine({ kernel: release, device: { trusted: false, dmaMask: 64, minAlignMask: 0xfff } })
      const st = { addr: 0n, size: 0n }
      expect(m.api.dma_iova_try_alloc(st as never, P, 0x4000n)).toBe(true)
      expect(m.api.dma_iova_link(st as never, P, 0n, 0x2000n, DMA_TO_DEVICE, 0)).toBe(0)
      // A link at offset 0x2000 whose tail ends off the granule: the middle links, the tail must bounce, and the pool is full.
      m.swiotlb?.fill()
      expect(m.api.dma_iova_link(st as never, P + 0x4000n, 0x2000n, 0x1800n, DMA_TO_DEVICE, 0), release).toBe(-ERRNO.ENOMEM)
      // The buggy unwind unlinks the first link's granule at offset 0 and leaves the middle at 0x2000 linked.
      expect(m.domain?.iovaToPhys(st.addr + 0x2000n) !== 0n, release).toBe(has)
      expect(m.domain?.iovaToPhys(st.addr) === 0n, release).toBe(has)
    }
  })

  it('vtd-generic-pt: from 6.19 a link over a linked offset fails with -EADDRINUSE; before, VT-d warns, keeps the first link and returns 0', () => {
    for (const { release, has } of around('vtd-generic-pt')) {
      if (!kernelHas(release, 'dma-iova-api')) continue
      const m = machine({ kernel: release })
      const st = { addr: 0n, size: 0n }
      expect(m.api.dma_iova_try_alloc(st as never, P, 0x2000n)).toBe(true)
      expect(m.api.dma_iova_link(st as never, P, 0n, 0x1000n, DMA_TO_DEVICE, 0)).toBe(0)
      // Two granules from offset 0: the first is linked already.
      const ret = m.api.dma_iova_link(st as never, P + 0x4000n, 0n, 0x2000n, DMA_TO_DEVICE, 0)
      expect(ret, release).toBe(has ? -98 : 0)
      expect(m.domain?.iovaToPhys(st.addr), release).toBe(P)
      expect(m.domain?.iovaToPhys(st.addr + 0x1000n), release).toBe(has ? 0n : P + 0x5000n)
      const warned = m.reporter.findings.filter((f) => f.message.startsWith('WARNING: __domain_mapping'))
      expect(warned.map((f) => f.message.replace(/^.*DMAR: /, '')), release).toEqual(
        has ? [] : [`ERROR: DMA PTE for vPFN 0x${(st.addr >> 12n).toString(16)} already set (to ${(P | 1n).toString(16)} not ${((P + 0x4000n) | 1n).toString(16)})`],
      )
    }
  })

  it('map-resource-bounce-refused: 6.18 to 7.2 refuse an unaligned MMIO map on a device that bounces; 7.3 maps it unbounced', () => {
    for (const { release, has } of around('map-resource-bounce-refused')) {
      if (!kernelHas(release, 'dma-map-phys')) continue
      const m = machine({ kernel: release, device: { trusted: false, dmaMask: 64 }, devices: [gpu()] })
      const addr = m.api.dma_map_resource(BAR + 0x100n, 0x200n, DMA_TO_DEVICE, 0)
      expect(addr === DMA_MAPPING_ERROR, release).toBe(has)
    }
  })

  it('debug-kmalloc-bounce-exemption: from 6.18 kmalloc bouncing with swiotlb silences the overlap report', () => {
    for (const { release, has } of around('debug-kmalloc-bounce-exemption')) {
      const m = machine({ kernel: release, iommu: 'none', device: { coherent: false }, swiotlb: { bytes: '0x400000' } })
      m.api.dma_map_phys(P, 0x100n, DMA_FROM_DEVICE, 0)
      m.api.dma_map_phys(P + 0x20n, 0x100n, DMA_FROM_DEVICE, 0)
      expect(findings(m, 'D6').length === 0, release).toBe(has)
    }
  })

  it('debug-cacheline-overlap-cache-aligned: from 7.0 a coherent (x86) device never gets the overlap report', () => {
    for (const { release, has } of around('debug-cacheline-overlap-cache-aligned')) {
      const m = machine({ kernel: release, iommu: 'none' })
      m.api.dma_map_phys(P, 0x1000n, DMA_FROM_DEVICE, 0)
      m.api.dma_map_phys(P + 0x20n, 0x1000n, DMA_FROM_DEVICE, 0)
      expect(findings(m, 'D6').map((f) => f.message), release).toEqual(has ? [] : ["DMA-API: dev0 0000:00:03.0: cacheline tracking EEXIST, overlapping mappings aren't supported"])
    }
  })

  it('debug-unmap-attrs: from 7.2 dma-debug reports an unmap whose attributes differ from the map', () => {
    for (const { release, has } of around('debug-unmap-attrs')) {
      const m = machine({ kernel: release })
      const addr = m.api.dma_map_phys(BAR, 0x1000n, DMA_TO_DEVICE, MMIO)
      m.api.dma_mapping_error(addr)
      m.api.dma_unmap_phys(addr, 0x1000n, DMA_TO_DEVICE, 0)
      const d23 = findings(m, 'D23').map((f) => f.message)
      expect(d23, release).toEqual(
        has
          ? [`DMA-API: dev0 0000:00:03.0: device driver frees DMA memory with different attributes [device address=0x${addr.toString(16).padStart(16, '0')}] [size=4096 bytes] [mapped with 0x400] [unmapped with 0x0]`]
          : [],
      )
    }
  })

  it('cc-iommu-alloc-coherent-refused: from 7.3 a confidential guest gets no coherent memory behind a translating IOMMU', () => {
    for (const { release, has } of around('cc-iommu-alloc-coherent-refused')) {
      const m = machine({ kernel: release, coco: true })
      expect(m.api.dma_alloc_coherent(0x1000n, P) === undefined, release).toBe(has)
      expect(machine({ kernel: release, coco: true, iommu: 'none' }).api.dma_alloc_coherent(0x1000n, P) === undefined, release).toBe(false)
    }
  })

  it('map-resource-ram-refused: 6.18 to 7.0 debug kernels refuse dma_map_resource() of RAM; before and after, it maps', () => {
    for (const { release, has } of around('map-resource-ram-refused')) {
      const m = machine({ kernel: release }, { dmaApiDebug: true })
      expect(m.api.dma_map_resource(P, 0x1000n, DMA_TO_DEVICE, 0) === DMA_MAPPING_ERROR, release).toBe(has)
    }
  })

  it('debug-mmio-ram-report: from 7.1 dma-debug reports an MMIO mapping of RAM and lets it stand', () => {
    for (const { release, has } of around('debug-mmio-ram-report')) {
      const m = machine({ kernel: release })
      const addr = m.api.dma_map_resource(P, 0x1000n, DMA_TO_DEVICE, 0)
      expect(addr === DMA_MAPPING_ERROR, release).toBe(false)
      expect(findings(m, 'D24').map((f) => f.message), release).toEqual(
        has ? ['DMA-API: dev0 0000:00:03.0: dma_map_resource called for RAM address 0x0000000100000000'] : [],
      )
    }
  })

  it('iommu-sg-length-wraps: until 1c8f6308e557 an entry past 4 GiB wraps, the IOVA is freed and its mappings stay; a backport maps nothing', () => {
    const big = (release: KernelVersion, changes = {}) => {
      const m = machine({ kernel: release, ramBytes: '0x400000000', device: { maxSegmentSize: 0xffffffff } }, { changes })
      // An entry of 4 GiB - 4 KiB padded to the 4 GiB segment boundary for the next one: 4 GiB in 32 bits.
      const sgt = m.api.sg_alloc_table([
        { region: 'huge', phys: P, len: 0xffff_f000n },
        { region: 'next', phys: 2n * P, len: 0x2000n },
      ])
      if (typeof sgt === 'number') throw new Error('sg_alloc_table failed')
      return { ret: m.api.dma_map_sgtable(sgt, DMA_TO_DEVICE, 0), left: m.domain?.pgtable.present ?? 0 }
    }
    for (const { release, has } of around('iommu-sg-length-wraps')) {
      const r = big(release)
      expect(r.ret, release).toBe(-22)
      expect(r.left > 0, release).toBe(has)
    }
    expect(big('7.3', backportedFixes('7.3', '    - iommu/dma: Catch scatterlist length overflows\n'))).toEqual({ ret: -22, left: 0 })
    expect(backportedFixes('7.3', 'nothing of the kind')).toEqual({})
  })

  it('docs/kernel-releases.md is the table as it is (npm run schema writes it)', () => {
    expect(readFileSync(join(ROOT, 'docs/kernel-releases.md'), 'utf8')).toBe(kernelReleasesMarkdown())
  })

  it('every change has a test named after it', () => {
    const files: string[] = []
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f)
        if (f === '__golden__' || f === 'node_modules') continue
        if (statSync(p).isDirectory()) walk(p)
        else if (f.endsWith('.test.ts')) files.push(readFileSync(p, 'utf8'))
      }
    }
    walk(join(ROOT, 'test'))
    const text = files.join('\n')
    const untested = KERNEL_CHANGE_IDS.filter((id) => !text.includes(`'${id}:`) && !text.includes(`"${id}:`) && !text.includes(`\`${id}:`))
    expect(untested).toEqual([])
  })
})
