/**
 * The harness target: the module target's driver for QEMU's edu device. It
 * runs the plan plus the engine's scratch buffer, maps with exactly the
 * module target's code, reports through the engine at every map and unmap,
 * and refuses what it cannot drive. Its kbuild, sparse and checkpatch runs
 * are in kbuild.test.ts; on the real kernel, test/kernel.
 */
import { describe, expect, it } from 'vitest'
import { CodegenError, generate, harnessPlan, HARNESS_SCRATCH } from '../../src/codegen/index.js'
import { platform } from '../../src/index.js'
import type { Plan } from '../../src/index.js'
import { goldenBundle } from './golden-files.js'

function e1(): Plan {
  const host = platform({ kernel: '6.12', iommu: { mode: 'translated', flush: 'strict' }, ramBytes: 512 << 20 })
  const edu = host.device('edu', { dmaMask: 28 })
  const a = host.ram('a', { offset: 0x200, bytes: 0xe00 })
  const b = host.ram('b', { pages: 1 })
  const c = host.ram('c', { bytes: 0x800 })
  return host
    .plan(edu, { name: 'edu_e1' })
    .transaction('io', { strategy: 'sg', dir: 'bidirectional' }, [a, b, c])
    .deviceWrites('io', b)
    .deviceReads('io', a)
    .unmap('io')
    .cpuReads(b)
    .build()
}

/** Every function of a C file, by name. */
function functions(source: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const m of source.matchAll(/^(static [^\n;]*?\b(\w+)\([^;{]*\)\n\{\n[\s\S]*?^\}\n)/gm)) if (m[1] && m[2]) out.set(m[2], m[1])
  return out
}

describe('the harness target', () => {
  it('runs the plan plus a coherent scratch page, mapped first and unmapped last', () => {
    const p = harnessPlan(e1())
    expect(p.regions.at(-1)).toMatchObject({ name: HARNESS_SCRATCH, memory: 'ram', bytes: 0x1000n })
    expect(p.steps[0]).toMatchObject({ op: 'map', tx: HARNESS_SCRATCH, strategy: 'coherent', dir: 'bidirectional' })
    expect(p.steps.at(-1)).toEqual({ op: 'unmap', tx: HARNESS_SCRATCH })
    expect(p.steps.slice(1, -1)).toEqual(e1().steps)
  })

  it("maps with the module target's code, byte for byte", () => {
    const plan = e1()
    const module = functions(generate(harnessPlan(plan), { target: 'module' }).get('edu_e1.c') ?? '')
    const harness = functions(generate(plan, { target: 'harness' }).get('edu_e1.c') ?? '')
    const mapping = [...module.keys()].filter((n) => /^dmaplan_(sg|coherent|slice|tx)_|_map$/.test(n))
    expect(mapping).toEqual([
      'dmaplan_tx_init',
      'dmaplan_slice_init',
      'dmaplan_slice_drop',
      'dmaplan_slice_add',
      'dmaplan_coherent_buf',
      'dmaplan_sg_max',
      'dmaplan_sg_len',
      'dmaplan_sg_entries',
      'dmaplan_sg_table',
      'dmaplan_sg_map',
      'dmaplan_sg_unmap',
      'dmaplan_coherent_free',
      'dmaplan_coherent_unmap',
      'dmaplan_coherent_map',
      'edu_e1_dmaplan_scratch_map',
      'edu_e1_dmaplan_io_map',
    ])
    for (const n of mapping) expect(harness.get(n), n).toBe(module.get(n))
  })

  it('binds to edu, starts its engine, and reports every map, unmap and the result', () => {
    const c = generate(e1(), { target: 'harness' }).get('edu_e1.c') ?? ''
    expect(c).toContain('{ PCI_DEVICE(0x1234, 0x11e8) },')
    expect(c).toContain('ret = dmaplan_engine_init(&pd->engine, pdev, &pd->buf_scratch, 4, 0);')
    expect(c).toContain('dmaplan_engine_mapped(&pd->engine, &pd->tx_io.tx, ret);')
    expect(c).toContain('dmaplan_engine_unmapping(&pd->engine, &t->tx);')
    expect(c).toContain('dmaplan_engine_status(&pd->engine, ret);')
    expect(c).toContain('dmaplan_device_access(&pd->engine, &pd->tx_io.tx, 0xe00, 0x1000, true);')
  })

  it('is kept in a golden file', async () => {
    const g = goldenBundle(generate(e1(), { target: 'harness' }))
    await expect(g.text).toMatchFileSnapshot('__golden__/harness/edu_e1.harness.txt')
    for (const s of g.shared) await expect(s.text).toMatchFileSnapshot(`__golden__/${s.golden}`)
  })

  it('drives an HMM mirror page by page, and reports its faults and invalidations with its segments', () => {
    const host = platform({ kernel: '7.3', iommu: { mode: 'translated' } })
    const edu = host.device('edu', { dmaMask: 64 })
    const buf = host.ram('buf', { pages: 2 })
    const plan = host
      .plan(edu, { name: 'odp' })
      .transaction('mr', { strategy: 'hmm', dir: 'bidirectional', populate: false }, [buf])
      .hmmFault('mr', 1)
      .deviceWrites('mr', buf, { offset: 0x1000, bytes: 0x1000 })
      .hmmInvalidate('mr', 1)
      .unmap('mr')
      .build()
    const c = generate(plan, { target: 'harness' }).get('odp.c') ?? ''
    expect(c).toContain('ret = dmaplan_engine_init(&pd->engine, pdev, &pd->buf_scratch, 2, 1);')
    expect(c).toContain('dmaplan_engine_pages(&pd->engine, &pd->tx_mr.tx);')
    expect(c).toContain('dmaplan_engine_fault(&pd->engine, &pd->tx_mr.tx, 1, ret);')
    expect(c).toContain('dmaplan_engine_invalidated(&pd->engine, &pd->tx_mr.tx, 1);')
    expect(c).toContain('dmaplan_device_access(&pd->engine, &pd->tx_mr.tx, 0x1000, 0x1000, true);')
  })

  it('drives P2P memory, and refuses what QEMU cannot stand for, with one sentence each', () => {
    const host = platform({ kernel: '7.0', iommu: { mode: 'translated' }, pci: { switches: { sw0: { acsRedirect: false } } } })
    const edu = host.device('edu', { at: 'sw0', dmaMask: 28 })
    const gpu = host.device('gpu', { at: 'sw0', p2pMemory: { bytes: 1 << 20 } })
    const vram = gpu.p2p('vram', { pages: 1 })
    const scratch = host.ram('scratch', { pages: 1 })
    const bus = host.plan(edu, { name: 'bus' }).transaction('mr', { strategy: 'p2p-bus', dir: 'to-device' }, [vram]).unmap('mr').build()
    const clash = host.plan(edu, { name: 'clash' }).transaction('t', { strategy: 'page', dir: 'to-device' }, [scratch]).unmap('t').build()
    const guest = platform({ kernel: '7.0', iommu: { mode: 'none' }, coco: true })
    const secret = guest.ram('secret', { pages: 1 })
    const coco = guest.plan(guest.device('edu', { dmaMask: 64 }), { name: 'coco' }).transaction('t', { strategy: 'page', dir: 'to-device' }, [secret]).unmap('t').build()
    const issues = (p: Plan) => {
      try {
        generate(p, { target: 'harness' })
      } catch (e) {
        if (e instanceof CodegenError) return e.issues
        throw e
      }
      return []
    }
    expect(issues(bus)).toEqual([])
    // The peer is a module parameter: the conformance set-ups name ivshmem, whose BAR test/kernel/provider registers.
    expect(generate(bus, { target: 'harness' }).get('bus.c')).toContain('module_param_named(gpu, ')
    expect(issues(clash)).toEqual(["region scratch is the harness's own; rename it"])
    expect(issues(coco)).toEqual(['the harness runs on QEMU without a confidential guest; the plan is for one'])
  })
})
