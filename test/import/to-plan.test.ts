/**
 * Traces as plans: the real kernels' traces of the harness (test/import/
 * traces, copied from the real-kernel suites' runs) imported, and the
 * imported plan simulated on the platform of that boot: the simulator's DMA
 * segments must be the ones the kernel gave.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { MapStep } from '../../src/plan/ir.js'
import { reconstructSgEntries } from '../../src/import/sg-reconstruct.js'
import { TraceImporter } from '../../src/import/to-plan.js'
import type { ImportOptions } from '../../src/import/to-plan.js'
import { simulate } from '../../src/sim/index.js'
import { importVerb } from '../../src/cli/import-trace.js'
import { showPath } from '../../src/cli/location.js'
import { decodePlan } from '../../src/plan/load.js'
import { expandSegments } from '../../src/sim/result/segments.js'

const TRACES = join(import.meta.dirname, 'traces')

function importLines(lines: readonly string[], options: ImportOptions) {
  const im = new TraceImporter(options)
  for (const l of lines) im.push(l)
  return im.finish()
}

const trace = (name: string) => readFileSync(join(TRACES, name), 'utf8').trimEnd().split('\n')

describe('a trace imported as a plan', () => {
  it("reproduces 6.12's trace of sg_e1 behind VT-d: the coherent scratch buffer, the scatterlist, their DMA addresses", () => {
    const { plan, summary } = importLines(trace('sg-e1-6.12.trace'), { platform: 'vtd-strict', kernel: '6.12', file: 'sg-e1-6.12.trace' })
    expect([summary.lines, summary.events, summary.dmaEvents, summary.mappings, summary.defects]).toEqual([4, 4, 4, 2, []])
    const maps = plan.steps.filter((s): s is MapStep => s.op === 'map')
    expect(maps.map((m) => [m.tx, m.strategy, m.dir, m.at])).toEqual([
      ['t0', 'coherent', 'bidirectional', 'sg-e1-6.12.trace:1'],
      ['t1', 'sg', 'to-device', 'sg-e1-6.12.trace:2'],
    ])
    // Three entries merged into one segment of 0x2600: a 0x200 into its page to the page's end, a whole page, the rest.
    expect(plan.regions.slice(1).map((r) => [r.phys, r.offset, r.bytes])).toEqual([
      [0x3a47200n, 0x200n, 0xe00n],
      [0x3a43000n, 0n, 0x1000n],
      [0x3a46000n, 0n, 0x800n],
    ])
    expect(summary.assumptions.filter((a) => a.includes('reconstructed'))).toEqual(['a scatterlist whose entries the IOMMU merged into fewer DMA segments has its entries reconstructed (each runs to the end of its page, the last takes the rest): only its first DMA address and total length are compared'])
    const result = simulate(plan)
    for (const m of maps) {
      const t = result.transactions.find((x) => x.name === m.tx)
      expect(expandSegments(t?.segments ?? []).map((s) => [s.dma, s.len]), m.tx).toEqual(m.observed?.dma.map((d, i) => [`0x${d.toString(16)}`, `0x${(m.observed?.lengths[i] ?? 0n).toString(16)}`]))
    }
    expect(result.transactions.map((t) => t.status)).toEqual(['unmapped', 'unmapped'])
    expect(result.findings.filter((f) => f.id === 'TRACE-ADDR')).toEqual([])
  })

  it('TRACE-ADDR names both addresses and the trace line where the simulator predicts another', () => {
    const lines = trace('sg-e1-6.12.trace').map((l) => l.replace('dma_addrs={0xffff8200}', 'dma_addrs={0xffff4200}'))
    const { plan } = importLines(lines, { platform: 'vtd-strict', kernel: '6.12', file: 'moved.trace' })
    expect(simulate(plan).findings.filter((f) => f.id === 'TRACE-ADDR').map((f) => [f.severity, f.message])).toEqual([
      ['warning', 'moved.trace:2: the kernel gave 0xffff4200 and 0x2600 bytes in all; the simulator predicts 0xffff8200 and 0x2600 bytes in all'],
    ])
  })

  it("reads 7.3's trace of auto_dispatch: MMIO mappings left out, the IOVA API's probes counted as other events, the release inferred", () => {
    const { plan, summary } = importLines(trace('auto-dispatch-7.3.trace'), { platform: 'vtd-strict', device: '0000:03:00.0' })
    expect([summary.lines, summary.events, summary.dmaEvents]).toEqual([18, 18, 6])
    // The trace's IOVA API probes are of an older definition, without the device's name: their calls cannot be placed.
    expect(new Map(summary.leftOut)).toEqual(
      new Map([
        ['MMIO mappings (dma_map_resource)', 2],
        ['IOVA API calls of probes without the device (dev=)', 4],
      ]),
    )
    expect(plan.platform.kernel).toBe('7.3')
    expect(summary.assumptions).toContain('kernel 7.3: the newest release whose single mappings are traced as dma_map_phys')
    expect(plan.device).toBe('pci_0000_03_00_0')
  })

  it('TRACE-ADDR of a single mapping names each segment', () => {
    const { plan } = importLines(['  drv-1 [000] ..... 1.0: dma_map_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=ffffe000 size=4096 phys_addr=1000000 attrs='], {
      platform: 'vtd-strict',
      kernel: '7.3',
      file: 'one.trace',
    })
    expect(plan.devices[0]?.dmaMask).toBe(32)
    expect(simulate(plan).findings.filter((f) => f.id === 'TRACE-ADDR').map((f) => f.message)).toEqual(['one.trace:1: the kernel gave 0xffffe000+0x1000; the simulator predicts 0xfffff000+0x1000'])
  })

  it("says what is wrong with the driver's traffic, by line", () => {
    const head = (t: string) => `  drv-1 [000] ..... ${t}: `
    const { plan, summary } = importLines(
      [
        `${head('1.0')}dma_map_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=fffff000 size=4096 phys_addr=1000000 attrs=`,
        `${head('1.1')}dma_unmap_phys: 0000:00:04.0 dir=FROM_DEVICE dma_addr=fffff000 size=2048 attrs=`,
        `${head('1.2')}dma_unmap_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=fffff000 size=4096 attrs=`,
        `${head('1.3')}dma_sync_single_for_cpu: 0000:00:04.0 dir=TO_DEVICE dma_addr=ffffe000 size=64`,
        `${head('1.5')}dma_free: 0000:00:04.0 dir=BIDIRECTIONAL dma_addr=ffffd000 size=4096 virt_addr=(____ptrval____) attrs=`,
      ],
      { platform: 'vtd-strict', kernel: '7.3' },
    )
    expect(summary.defects).toEqual([
      'line 2: dma_unmap_phys of 0xfffff000 with 2048 bytes, mapped with 4096',
      'line 2: dma_unmap_phys of 0xfffff000 with FROM_DEVICE, mapped with TO_DEVICE',
      'line 3: dma_unmap_phys of 0xfffff000 (4096 bytes), which the trace never mapped or already unmapped',
      'line 4: dma_sync_single_for_cpu of 0xffffe000, which no mapping of the trace holds',
      'line 5: dma_free of 0xffffd000 (4096 bytes), which the trace never allocated or already freed',
    ])
    // The plan carries them, with dma-debug's checks, and the simulation reports them.
    expect(simulate(plan).findings.filter((f) => f.source === 'dma-debug').map((f) => f.id)).toEqual(['D10', 'D14', 'D9', 'D16', 'D9'])
  })

  it("reconstructs a scatterlist's entries from its segments", () => {
    expect(reconstructSgEntries([0x1200n, 0x5000n], [0x800n, 0x300n])).toEqual([0x800n, 0x300n])
    expect(reconstructSgEntries([0x1200n, 0x5000n, 0x9000n], [0x2400n])).toEqual([0xe00n, 0x1000n, 0x600n])
  })
})

describe("the IOVA API's kprobes in a trace (src/import/iova-probes.ts)", () => {
  // examples/traces/nvme-7.3.trace: the first 1340 lines of an NVMe drive's trace on Debian's 7.3.4 behind VT-d strict (test/kernel/drivers/nvme.ts).
  const nvme = () => importLines(readFileSync(join(import.meta.dirname, '../../examples/traces/nvme-7.3.trace'), 'utf8').trimEnd().split('\n'), { platform: 'vtd-strict', kernel: '7.3', device: '0000:00:01.0' })

  it('makes each request the block layer linked an iova transaction, its links the regions, its address the state', () => {
    const { plan } = nvme()
    const iova = plan.steps.filter((x): x is MapStep => x.op === 'map' && x.strategy === 'iova')
    expect(iova.length).toBe(28)
    const first = iova[0] as MapStep
    expect(first.observed?.dma).toEqual([0xfffdc000n])
    expect(first.regions.length).toBe(2)
  })

  it("places a request's map where its IOVA was allocated, before a completion's unmap that came among its links", () => {
    const { plan } = nvme()
    const at = (line: number) => plan.steps.findIndex((x) => x.at === `trace:${line}`)
    // dma_iova_try_alloc() at line 1251; a hard interrupt destroys another request's state at 1281, during this one's links.
    expect(at(1251)).toBe(195)
    expect(at(1281)).toBe(196)
  })

  it("places a request's map after an interrupt that came between its allocation's entry and return, whose frees it may reuse", () => {
    // Two requests, then a third whose dma_iova_try_alloc() a completion interrupts: it frees both, and the third gets
    // the IOVA freed last (the IOVA caches hand out the newest first), as NVMe on 7.3 showed.
    const ev = (t: string, irq: boolean, text: string) => `${irq ? '          <idle>-0      ' : '    kworker/0:1H-102    '} [000] ${irq ? 'd.h1.' : '.....'}     ${t}: ${text}`
    const dev = 'dev="0000:00:01.0"'
    const alloc = (t: string, phys: string) => ev(t, false, `iova_alloc: (dma_iova_try_alloc+0x4/0x120) ${dev} phys=${phys} size=0x20000`)
    const allocRet = (t: string, addr: string) =>
      ev(t, false, `iova_alloc_ret: (blk_dma_map_iter_start+0x214/0x320 <- dma_iova_try_alloc) ret=1 addr=${addr} state_size=0x20000`)
    const linked = (t: number, addr: string, phys: string) => [
      ev(`7.${t}`, false, `iova_link: (dma_iova_link+0x4/0x350) ${dev} addr=${addr} phys=${phys} offset=0x0 size=0x20000 dir=1 attrs=0x0`),
      ev(`7.${t + 1}`, false, 'iova_link_ret: (blk_dma_map_iter_start+0x2a4/0x320 <- dma_iova_link) ret=0'),
      ev(`7.${t + 2}`, false, `iova_sync: (dma_iova_sync+0x4/0x50) ${dev} addr=${addr} offset=0x0 size=0x20000`),
      ev(`7.${t + 3}`, false, 'iova_sync_ret: (blk_dma_map_iter_start+0x305/0x320 <- dma_iova_sync) ret=0'),
    ]
    const destroyed = (t: number, addr: string) => [
      ev(`7.${t}`, true, `iova_destroy: (dma_iova_destroy+0x4/0x50) ${dev} addr=${addr} state_size=0x20000 mapped_len=0x20000 dir=1 attrs=0x0`),
      ev(`7.${t + 1}`, true, `iova_unlink: (dma_iova_unlink+0x4/0x210) ${dev} addr=${addr} offset=0x0 size=0x20000 dir=1 attrs=0x0`),
      ev(`7.${t + 2}`, true, 'iova_unlink_ret: (dma_iova_destroy+0x30/0x50 <- dma_iova_unlink)'),
      ev(`7.${t + 3}`, true, `iova_free: (dma_iova_free+0x4/0xb0) ${dev} addr=${addr} state_size=0x20000`),
      ev(`7.${t + 4}`, true, "iova_free_ret: ([unknown/kretprobe'd] <- dma_iova_free)"),
      ev(`7.${t + 5}`, true, 'iova_destroy_ret: (0xffffffffc081df13 <- dma_iova_destroy)'),
    ]
    const lines = [
      alloc('7.100000', '0x1000000'),
      allocRet('7.100010', '0xfffe0000'),
      ...linked(100020, '0xfffe0000', '0x1000000'),
      alloc('7.100100', '0x2000000'),
      allocRet('7.100110', '0xfffc0000'),
      ...linked(100120, '0xfffc0000', '0x2000000'),
      alloc('7.100200', '0x3000000'),
      ...destroyed(100210, '0xfffe0000'),
      ...destroyed(100220, '0xfffc0000'),
      allocRet('7.100300', '0xfffc0000'),
      ...linked(100310, '0xfffc0000', '0x3000000'),
      ...destroyed(100400, '0xfffc0000'),
    ]
    const { plan } = importLines(lines, { platform: 'vtd-strict', kernel: '7.3', device: '0000:00:01.0', file: 'irq.trace' })
    const ops = plan.steps.filter((x) => x.op !== 'wait').map((x) => `${x.op} ${'tx' in x ? x.tx : ''}`)
    expect(ops).toEqual(['map t0', 'map t1', 'unmap t0', 'unmap t1', 'map t2', 'unmap t2'])
    expect(plan.steps.find((x): x is MapStep => x.op === 'map' && x.tx === 't2')?.observed?.interrupted).toBe(true)
    expect(simulate(plan).findings.filter((f) => f.id === 'TRACE-ADDR')).toEqual([])
  })

  it('is predicted address for address by the simulator (no TRACE-ADDR)', () => {
    const r = simulate(nvme().plan)
    expect(r.findings.filter((f) => f.id === 'TRACE-ADDR')).toEqual([])
  })

  it("leaves calls the kernel made inside another out: dma_iova_destroy()'s own unlink and free", () => {
    const { plan } = nvme()
    expect(plan.steps.filter((x) => x.op === 'unlink')).toEqual([])
  })
})

describe("the lazy flush queue's timer in a trace (the fq_flush probe)", () => {
  const line = (t: string, ev: string) => `  kworker-9 [000] ..... ${t}: ${ev}`
  const map = (t: string, dma: string) => line(t, `dma_map_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=${dma} size=4096 phys_addr=1000000 attrs=`)
  const unmap = (t: string, dma: string) => line(t, `dma_unmap_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=${dma} size=4096 attrs=`)
  const flush = (t: string) => `  <idle>-0 [000] ..s1. ${t}: fq_flush: (fq_flush_timeout+0x4/0x100)`
  // A map, its unmap (queued), and 5 ms later a map of the same size: the timer (3 jiffies, 12 to 16 ms) is not due yet.
  const before = [map('1.000000', 'fffff000'), unmap('1.000100', 'fffff000')]
  const after = [map('1.005100', 'fffff000'), unmap('1.005200', 'fffff000')]

  it('runs the timer where the trace saw it, and no other: the IOVA it freed is handed out again', () => {
    const { plan, summary } = importLines([...before, flush('1.005000'), ...after], { platform: 'vtd-lazy', kernel: '7.3', file: 'fq.trace' })
    expect(plan.observed?.fqTimer).toBe(true)
    expect(plan.steps.filter((x) => x.op === 'wait' && x.fqTimer === true)).toHaveLength(1)
    expect(summary.assumptions.filter((a) => a.startsWith("the kernel's ticks fall"))).toEqual(["the kernel's ticks fall 1 ms into each jiffy after the trace's first event, where the flush queue's timer ran earliest (1 run of the fq_flush probe)"])
    expect(simulate(plan).findings.filter((f) => f.id === 'TRACE-ADDR')).toEqual([])
  })

  it("an interrupt's unmap inside the timer's run may be freed by it: the kernel's reuse of its IOVA says so (e1000e on 7.3)", () => {
    // Two maps; the first unmapped (queued); the timer runs, and a hard interrupt inside it unmaps the second: queued
    // before the run's flush began, both are freed, the second last, and the next map of that size gets its IOVA.
    const at = (flags: string, t: string, ev: string) => `  ping-98 [000] ${flags} ${t}: ${ev}`
    const lines = [
      map('1.000000', 'fffff000'),
      map('1.000050', 'ffffe000'),
      unmap('1.000100', 'fffff000'),
      at('.Ns2.', '1.014000', 'fq_flush: (fq_flush_timeout+0x4/0x100)'),
      at('dNH3.', '1.014016', 'dma_unmap_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=ffffe000 size=4096 attrs='),
      at('.....', '1.014100', 'dma_map_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=ffffe000 size=4096 phys_addr=1000000 attrs='),
      at('.....', '1.014200', 'dma_unmap_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=ffffe000 size=4096 attrs='),
    ]
    const { plan } = importLines(lines, { platform: 'vtd-lazy', kernel: '7.3', file: 'fq.trace' })
    expect(plan.steps.filter((x) => x.op === 'unmap' && x.inFqTimer === true).map((x) => x.at)).toEqual(['fq.trace:5'])
    const r = simulate(plan)
    expect(r.findings.filter((f) => f.id === 'TRACE-ADDR')).toEqual([])
    expect(r.findings.filter((f) => f.id === 'TRACE-ORDER').map((f) => f.message)).toEqual([
      "fq.trace:6: an interrupt unmapped 0xffffe000 while the flush queue's timer ran, so the trace does not say whether that run freed it; the kernel hands it out here, so it did (the trace's order gives 0xfffff000)",
    ])
  })

  it("without the probe the model's own timer decides, and says the ticks are assumed", () => {
    const { plan, summary } = importLines([...before, ...after], { platform: 'vtd-lazy', kernel: '7.3', file: 'fq.trace' })
    expect(plan.observed?.tickPhaseMs).toBeUndefined()
    expect(plan.observed?.fqTimer).toBeUndefined()
    expect(summary.assumptions.filter((a) => a.startsWith("the kernel's ticks are taken to fall at the trace's first event"))).toEqual(["the kernel's ticks are taken to fall at the trace's first event: the trace does not say where they fall (the fq_flush probe does), and the lazy flush queue's timer runs on them"])
    // Its timer is not due 5 ms after the unmap: the model hands out a fresh IOVA where the kernel reused the freed one.
    expect(simulate(plan).findings.filter((f) => f.id === 'TRACE-ADDR').map((f) => f.message)).toEqual([
      'fq.trace:3: the kernel gave 0xfffff000+0x1000; the simulator predicts 0xffffe000+0x1000',
    ])
  })
})

describe('dmaplan import', () => {
  const output = () => {
    const lines: string[] = []
    return { lines, out: { json: false, print: (l: string) => lines.push(l), error: (l: string) => lines.push(`error: ${l}`) } }
  }

  it('prints one line of what it read and writes the plan, never over a file without --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmaplan-import-'))
    const file = join(TRACES, 'sg-e1-6.12.trace')
    const o = output()
    expect(await importVerb(file, { platform: 'vtd-strict', kernel: '6.12', out: join(dir, 'plan.json') }, o.out)).toBe(0)
    expect(o.lines).toEqual([`${showPath(file)}: 4 dma events of 4, 2 mappings, 1 device(s), 0 unknown dma events skipped, 0 left out, 0 defect(s)`])
    const decoded = decodePlan(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')))
    expect(decoded.ok && decoded.plan.name).toBe('sg_e1_6_12')
    await expect(importVerb(file, { platform: 'vtd-strict', kernel: '6.12', out: join(dir, 'plan.json') }, o.out)).rejects.toThrow(/exists; add --force/)
    // A trace of scatterlists and coherent buffers alone does not say its release.
    await expect(importVerb(file, { platform: 'vtd-strict' }, o.out)).rejects.toThrow(/does not say which release it came from/)
  })

  it('refuses a line of a known event that does not read, with file:line and one sentence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmaplan-import-'))
    const file = join(dir, 'cut.trace')
    const lines = readFileSync(join(TRACES, 'sg-e1-6.12.trace'), 'utf8').split('\n')
    writeFileSync(file, `${lines[0]}\n${lines[1]?.slice(0, 150)}\n`)
    await expect(importVerb(file, { platform: 'vtd-strict' }, output().out)).rejects.toThrow(`${showPath(file)}:2: dma_map_sg: the line ends inside its phys_addrs= (is it cut short?)`)
    await expect(importVerb(file, { platform: 'qemu' }, output().out)).rejects.toThrow('--platform qemu is not one of vtd-strict, vtd-lazy, passthrough, none, bounce')
  })

  it('refuses events out of time order, and addresses wider than 64 bits, with file:line and one sentence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmaplan-import-'))
    const joined = join(dir, 'joined.trace')
    const ev = (t: string, dma = 'fffff000') => `  dd-1 [000] ..... ${t}: dma_map_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=${dma} size=4096 phys_addr=1000000 attrs=`
    writeFileSync(joined, `${ev('2.000000')}\n${ev('1.000000')}\n`)
    await expect(importVerb(joined, { platform: 'vtd-strict', kernel: '7.3' }, output().out)).rejects.toThrow(
      `${showPath(joined)}:2: this event at 1.000000 s comes after one at 2 s, and a trace is in time order (two traces joined, or lines lost or moved)`,
    )
    const wide = join(dir, 'wide.trace')
    writeFileSync(wide, `${ev('1.000000', '1fffffffffffff000')}\n`)
    await expect(importVerb(wide, { platform: 'vtd-strict', kernel: '7.3' }, output().out)).rejects.toThrow(/wide\.trace:1: .*64 bits/)
  })
})
