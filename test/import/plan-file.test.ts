/**
 * The plan written as the trace is read (`dmaplan import --out`): the file
 * decodes as the plan the in-memory importer builds, holds the busiest
 * device's plan alone, is never written over without --force, and a trace
 * that fails part way leaves neither it nor a temporary file behind.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importVerb } from '../../src/cli/import-trace.js'
import { TraceImporter } from '../../src/import/to-plan.js'
import type { ImportOptions } from '../../src/import/to-plan.js'
import { decodePlan, encodePlan } from '../../src/plan/load.js'
import { showPath } from '../../src/cli/location.js'

const TRACES = join(import.meta.dirname, 'traces')
const scratch = () => mkdtempSync(join(tmpdir(), 'dmaplan-plan-file-'))

function output() {
  const lines: string[] = []
  return { lines, out: { json: false, print: (l: string) => lines.push(l), error: (l: string) => lines.push(`error: ${l}`) } }
}

function inMemory(file: string, options: ImportOptions) {
  const im = new TraceImporter(options)
  for (const l of readFileSync(file, 'utf8').trimEnd().split('\n')) im.push(l)
  return im.finish().plan
}

const head = (t: string) => `  drv-1 [000] ..... ${t}: `
const twoDevices = [
  `${head('1.0')}dma_map_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=fffff000 size=4096 phys_addr=1000000 attrs=`,
  `${head('1.1')}dma_map_phys: 0000:00:05.0 dir=FROM_DEVICE dma_addr=ffffe000 size=4096 phys_addr=2000000 attrs=`,
  `${head('1.2')}dma_sync_single_for_cpu: 0000:00:05.0 dir=FROM_DEVICE dma_addr=ffffe000 size=4096`,
  `${head('1.3')}dma_unmap_phys: 0000:00:05.0 dir=FROM_DEVICE dma_addr=ffffe000 size=4096 attrs=`,
  `${head('1.4')}dma_unmap_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=fffff000 size=4096 attrs=`,
]

describe('the plan file of dmaplan import', () => {
  it.each([
    ['sg-e1-6.12.trace', { platform: 'vtd-strict', kernel: '6.12' }],
    ['auto-dispatch-7.3.trace', { platform: 'vtd-strict', device: '0000:03:00.0' }],
    ['auto-dispatch-7.3.trace', { platform: 'passthrough', kernel: '7.3' }],
  ] as const)('of %s (%o) decodes as the plan built in memory', async (name, options) => {
    const dir = scratch()
    const file = join(TRACES, name)
    const out = join(dir, 'plan.json')
    expect(await importVerb(file, { ...options, out, name: 'p' }, output().out)).toBe(0)
    const json: unknown = JSON.parse(readFileSync(out, 'utf8'))
    const decoded = decodePlan(json)
    if (!decoded.ok) throw new Error(decoded.issues.map((i) => `${i.path}: ${i.message}`).join('; '))
    const memory = inMemory(file, { ...options, name: 'p', file: showPath(file) })
    expect(decoded.plan).toEqual(memory)
    // Written as encodePlan() writes the plan, its defaults and all (key order aside).
    expect(json).toEqual(encodePlan(memory))
    expect(readdirSync(dir)).toEqual(['plan.json'])
  })

  it("names the trace's lines in its steps whatever the file's name holds", () => {
    const im = new TraceImporter({ platform: 'vtd-strict', kernel: '7.3', file: 'a "quoted"\\name.trace' })
    for (const l of twoDevices) im.push(l)
    expect(im.finish().plan.steps.filter((s) => s.op !== 'wait').map((s) => s.at)).toEqual(['a "quoted"\\name.trace:2', 'a "quoted"\\name.trace:3', 'a "quoted"\\name.trace:4'])
  })

  it("holds the busiest device's plan and nothing of the others", async () => {
    const dir = scratch()
    const file = join(dir, 'two.trace')
    writeFileSync(file, `${twoDevices.join('\n')}\n`)
    expect(await importVerb(file, { platform: 'vtd-strict', kernel: '7.3', out: join(dir, 'plan.json') }, output().out)).toBe(0)
    const decoded = decodePlan(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')))
    expect(decoded.ok && [decoded.plan.device, decoded.plan.steps.filter((s) => s.op !== 'wait').map((s) => s.op)]).toEqual(['pci_0000_00_05_0', ['map', 'sync-for-cpu', 'unmap']])
    expect(readdirSync(dir).sort()).toEqual(['plan.json', 'two.trace'])
  })

  it('is never written over without --force, and is with it', async () => {
    const dir = scratch()
    const file = join(TRACES, 'sg-e1-6.12.trace')
    const out = join(dir, 'plan.json')
    writeFileSync(out, 'mine\n')
    await expect(importVerb(file, { platform: 'vtd-strict', kernel: '6.12', out }, output().out)).rejects.toThrow(`${showPath(out)} exists; add --force to overwrite it`)
    expect(readFileSync(out, 'utf8')).toBe('mine\n')
    expect(readdirSync(dir)).toEqual(['plan.json'])
    expect(await importVerb(file, { platform: 'vtd-strict', kernel: '6.12', out, force: true }, output().out)).toBe(0)
    expect(decodePlan(JSON.parse(readFileSync(out, 'utf8'))).ok).toBe(true)
  })

  it('is not written, nor any temporary file left, when the trace fails part way', async () => {
    const dir = scratch()
    const file = join(dir, 'broken.trace')
    const good = twoDevices.slice(0, 3)
    writeFileSync(file, `${good.join('\n')}\n${head('1.5')}dma_map_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=zz size=1 phys_addr=0 attrs=\n${twoDevices.slice(3).join('\n')}\n`)
    const out = join(dir, 'plan.json')
    await expect(importVerb(file, { platform: 'vtd-strict', kernel: '7.3', out }, output().out)).rejects.toThrow(`${showPath(file)}:4: dma_map_phys: dma_addr=zz is not a hexadecimal address`)
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(dir)).toEqual(['broken.trace'])
    // A trace that reads but whose release cannot be told fails at the end, just as cleanly.
    writeFileSync(file, `${head('1.0')}dma_alloc: 0000:00:04.0 dir=BIDIRECTIONAL dma_addr=fffff000 size=4096 virt_addr=(____ptrval____) flags=GFP_KERNEL attrs=\n`)
    await expect(importVerb(file, { platform: 'vtd-strict', out }, output().out)).rejects.toThrow(/does not say which release/)
    expect(readdirSync(dir)).toEqual(['broken.trace'])
  })

  it('is printed after the summary without --out, and inside the report with --json', async () => {
    const file = join(TRACES, 'sg-e1-6.12.trace')
    const memory = inMemory(file, { platform: 'vtd-strict', kernel: '6.12', file: showPath(file), name: 'sg_e1_6_12' })
    const plain = output()
    expect(await importVerb(file, { platform: 'vtd-strict', kernel: '6.12' }, plain.out)).toBe(0)
    expect(plain.lines[0]).toMatch(/: 4 dma events of 4, 2 mappings/)
    const printed = decodePlan(JSON.parse(plain.lines.slice(1).join('\n')))
    expect(printed.ok && printed.plan).toEqual(memory)
    const json = output()
    expect(await importVerb(file, { platform: 'vtd-strict', kernel: '6.12' }, { ...json.out, json: true })).toBe(0)
    const report = JSON.parse(json.lines.join('\n')) as { mappings: number; plan: unknown }
    const embedded = decodePlan(report.plan)
    expect([report.mappings, embedded.ok && embedded.plan]).toEqual([2, memory])
  })
})

describe('the imported example (examples/traces)', () => {
  it('is what `dmaplan import examples/traces/nvme-7.3.trace --platform vtd-strict --device 0000:00:01.0` writes today', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmaplan-example-'))
    const out = join(dir, 'nvme-7.3.plan.json')
    const trace = join('examples', 'traces', 'nvme-7.3.trace')
    expect(await importVerb(trace, { platform: 'vtd-strict', device: '0000:00:01.0', out }, output().out)).toBe(0)
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join('examples', 'traces', 'nvme-7.3.plan.json'), 'utf8'))
  })
})

describe('compare on an imported trace', () => {
  it("compares a driver's recurring mapping once and names the transactions of its shape", async () => {
    const { compareStrategies } = await import('../../src/sim/index.js')
    const decoded = decodePlan(JSON.parse(readFileSync(join('examples', 'traces', 'nvme-7.3.plan.json'), 'utf8')))
    if (!decoded.ok) throw new Error('the example does not decode')
    const c = compareStrategies(decoded.plan)
    const maps = decoded.plan.steps.filter((s) => s.op === 'map').length
    // Every transaction is compared, by itself or through the first of its shape.
    expect(c.reduce((n, x) => n + 1 + x.alike.length, 0)).toBe(maps)
    expect(maps).toBe(80)
    expect(c.length).toBe(21)
    const single = c.find((x) => x.tx === 't2')
    expect(single?.alike.length).toBe(18)
    expect(single?.rows.find((r) => r.strategy === 'page')?.iovaPages).toBe(1)
  })
})
