/**
 * The trace-line parser on lines the kernels printed (tracefs's `trace` of
 * 6.12 and 7.3 in the real-kernel suites, and trace-cmd report's layout),
 * and on lines it must refuse with their line number and one sentence.
 */
import { describe, expect, it } from 'vitest'
import { dmaEventsOf } from '../../src/import/events.js'
import type { DmaTraceEvent } from '../../src/import/trace-line.js'
import { parseTraceLine, TraceSyntaxError } from '../../src/import/trace-line.js'

function dma(text: string): DmaTraceEvent {
  const t = parseTraceLine(text, 7)
  if (t.kind !== 'dma') throw new Error(`not a dma event: ${t.kind}`)
  return t.event
}

function refusal(text: string): string {
  try {
    parseTraceLine(text, 42)
  } catch (e) {
    if (e instanceof TraceSyntaxError) return `${e.line}: ${e.message}`
    throw e
  }
  return 'accepted'
}

describe('a line of a dma trace', () => {
  it('reads 7.3 dma_map_phys with its attributes and the header fields', () => {
    const e = dma('          insmod-48      [000] .....     1.710052: dma_map_phys: 0000:03:00.0 dir=TO_DEVICE dma_addr=fffe8000 size=32768 phys_addr=fea00000 attrs=MMIO')
    expect(e).toMatchObject({ line: 7, task: 'insmod', pid: 48, cpu: 0, time: '1.710052', event: 'dma_map_phys', class: 'map', device: '0000:03:00.0', dir: 'TO_DEVICE' })
    expect(e.class === 'map' && [e.dma, e.size, e.phys, e.attrs]).toEqual([0xfffe8000n, 32768n, 0xfea00000n, ['MMIO']])
  })

  it("reads 6.12 dma_map_page (whose flags column may say 'N': need resched)", () => {
    const e = dma('          insmod-44      [000] .N...     1.033699: dma_map_page: 0000:00:01.0 dir=TO_DEVICE dma_addr=fffc000 size=8192 phys_addr=38f4000 attrs=')
    expect(e.class === 'map' && [e.event, e.dma, e.size, e.phys, e.attrs]).toEqual(['dma_map_page', 0xfffc000n, 8192n, 0x38f4000n, []])
  })

  it('reads dma_map_sg: full counts, the DMA segments and the physical entries', () => {
    const e = dma('          insmod-48      [000] .....     1.709126: dma_map_sg: 0000:03:00.0 dir=TO_DEVICE nents=2/2 ents=1/1 dma_addrs={0xfe600000} sizes={0x8000} phys_addrs={0xfe600000,0x3000000} attrs=SKIP_CPU_SYNC|MMIO')
    expect(e.class === 'map-sg' && [e.nents, e.ents, e.truncated, e.dmaAddrs, e.sizes, e.physAddrs, e.attrs]).toEqual([
      2,
      1,
      false,
      [0xfe600000n],
      [0x8000n],
      [0xfe600000n, 0x3000000n],
      ['SKIP_CPU_SYNC', 'MMIO'],
    ])
  })

  it('reads a dma_map_sg of more than 128 entries as truncated, with the full counts', () => {
    const e = dma('  fio-1  [001] d....  5.000001: dma_map_sg: 0000:00:04.0 dir=FROM_DEVICE nents=128/300 ents=128/290 [TRUNCATED] dma_addrs={0x1000} sizes={0x1000} phys_addrs={0x2000} attrs=')
    expect(e.class === 'map-sg' && [e.nents, e.ents, e.truncated]).toEqual([300, 290, true])
  })

  it('reads dma_map_sg_err, whose "dma_addrs" are the physical addresses of the list', () => {
    const e = dma('  insmod-9  [000] .....  2.5: dma_map_sg_err: 0000:00:04.0 dir=TO_DEVICE dma_addrs={0x3000000,0x3002000} err=-5 attrs=')
    expect(e.class === 'map-sg-err' && [e.physAddrs, e.err]).toEqual([[0x3000000n, 0x3002000n], -5])
  })

  it('reads the syncs, unmaps, allocs and frees of both releases', () => {
    expect(dma('          insmod-41      [000] .....     3.976205: dma_sync_single_for_cpu: 0000:00:01.0 dir=FROM_DEVICE dma_addr=8000000 size=768')).toMatchObject({ class: 'sync-single', dma: 0x8000000n, size: 768n })
    expect(dma('          insmod-48      [000] .....     2.913401: dma_unmap_phys: 0000:03:00.0 dir=TO_DEVICE dma_addr=fffe8000 size=32768 attrs=MMIO')).toMatchObject({ class: 'unmap', dma: 0xfffe8000n, attrs: ['MMIO'] })
    expect(dma('          insmod-48      [000] .....     2.913793: dma_unmap_sg: 0000:03:00.0 dir=TO_DEVICE phys_addrs={0xfe600000} attrs=')).toMatchObject({ class: 'unmap-sg', physAddrs: [0xfe600000n] })
    expect(dma('          insmod-48      [000] .....     1.305265: dma_alloc: 0000:03:00.0 dir=BIDIRECTIONAL dma_addr=fffff000 size=4096 virt_addr=(____ptrval____) flags=GFP_KERNEL attrs=')).toMatchObject({ class: 'alloc', dma: 0xfffff000n, size: 4096n, flags: 'GFP_KERNEL' })
    expect(dma('          insmod-48      [000] .....     2.914970: dma_free: 0000:03:00.0 dir=BIDIRECTIONAL dma_addr=fffff000 size=4096 virt_addr=(____ptrval____) attrs=')).toMatchObject({ class: 'free', size: 4096n })
    expect(dma('  kworker/0:1-12  [000] .....  9.1: dma_sync_sg_for_device: 0000:00:04.0 dir=TO_DEVICE dma_addrs={0x1000,0x3000} sizes={0x200,0x400}')).toMatchObject({ class: 'sync-sg', dmaAddrs: [0x1000n, 0x3000n], sizes: [0x200n, 0x400n] })
  })

  it("reads trace-cmd report's layout (no flags column) and a task name with spaces and dashes", () => {
    const e = dma('     irq/24-nvme0q1-231   [001]   812.345678: dma_unmap_page:       0000:00:04.0 dir=FROM_DEVICE dma_addr=fff00000 size=4096 attrs=')
    expect([e.task, e.pid, e.cpu, e.time, e.device]).toEqual(['irq/24-nvme0q1', 231, 1, '812.345678', '0000:00:04.0'])
  })

  it('tells events of other systems, unknown dma events and non-event lines apart', () => {
    expect(parseTraceLine('# tracer: nop', 1)).toEqual({ kind: 'none' })
    expect(parseTraceLine('cpus=2', 1)).toEqual({ kind: 'none' })
    expect(parseTraceLine('  insmod-1 [000] ..... 1.0: kmalloc: call_site=foo', 3)).toMatchObject({ kind: 'other', name: 'kmalloc' })
    expect(parseTraceLine('  insmod-1 [000] ..... 1.0: dma_fence_signal: x=1', 3)).toMatchObject({ kind: 'unknown', name: 'dma_fence_signal' })
  })

  it('refuses a known event that does not read as its format, with the line and one sentence', () => {
    const head = '  insmod-1 [000] ..... 1.0: '
    expect(refusal(`${head}dma_map_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=1000 size=4096`)).toBe('42: dma_map_phys: the line ends before its phys_addr= (is it cut short?)')
    expect(refusal(`${head}dma_map_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=11112222333344445 size=4096 phys_addr=0 attrs=`)).toBe('42: dma_map_phys: dma_addr=11112222333344445 is wider than 64 bits')
    expect(refusal(`${head}dma_map_phys: 0000:00:04.0 dir=SIDEWAYS dma_addr=1 size=1 phys_addr=0 attrs=`)).toBe('42: dma_map_phys: dir=SIDEWAYS is not one of BIDIRECTIONAL, TO_DEVICE, FROM_DEVICE, NONE')
    expect(refusal(`${head}dma_map_sg: 0000:00:04.0 dir=TO_DEVICE nents=1/1 ents=1/1 dma_addrs={0x1000 sizes={0x1000} phys_addrs={0x1000} attrs=`)).toMatch(/^42: dma_map_sg: dma_addrs=\{0x1000 is not a list/)
    expect(refusal(`${head}dma_unmap_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=1 size=1 attrs= extra=1`)).toBe('42: dma_unmap_phys: the line goes on after its last field: "extra=1"')
    expect(refusal(`${head}dma_unmap_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=1 size=1 attrs=BOGUS`)).toBe('42: dma_unmap_phys: attrs=BOGUS holds BOGUS, not a DMA attribute')
  })

  it('knows which single-mapping events each release traces', () => {
    expect(dmaEventsOf('6.12').filter((n) => /^dma_(un)?map_(page|resource|phys)$/.test(n))).toEqual(['dma_map_page', 'dma_map_resource', 'dma_unmap_page', 'dma_unmap_resource'])
    expect(dmaEventsOf('7.3').filter((n) => /^dma_(un)?map_(page|resource|phys)$/.test(n))).toEqual(['dma_map_phys', 'dma_unmap_phys'])
  })
})
