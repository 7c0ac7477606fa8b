/**
 * The type level and the run time agree on plans that once split them: each
 * case is compiled (TypeScript 6 API) and run (types stripped), and both
 * must name the same rule, or both accept the plan.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Project, ts } from 'ts-morph'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, runtimeFindings } from '../support/fixtures.js'

const cases: Record<string, { code: string; rule: string | null }> = {
  'nested switches: a device below a switch below the provider\'s switch reaches it by bus address': {
    code: `const h = platform({ kernel: '7.0', iommu: { mode: 'translated' }, pci: { switches: { sw0: {}, sw1: { upstream: 'sw0' } } } })
const nic = h.device('nic0', { at: 'sw1' })
const v = h.device('gpu0', { at: 'sw0', p2pMemory: { bytes: 4096 } }).p2p('v', { pages: 1 })
export const c = () => h.plan(nic).transaction('t', { strategy: 'p2p-bus', dir: 'to-device' }, [v]).unmap('t').build()`,
    rule: null,
  },
  'a device\'s own BAR in a confidential guest is unreachable like any P2P': {
    code: `const g = platform({ kernel: '7.0', iommu: { mode: 'translated' }, coco: true })
const gpu = g.device('gpu', { p2pMemory: { bytes: 1 << 30 } })
export const c = () => g.plan(gpu).transaction('t', { strategy: 'p2p-bus', dir: 'to-device' }, [gpu.p2p('v', { pages: 4 })]).unmap('t').build()`,
    rule: 'R4',
  },
  'an untrusted device bounces unaligned host memory, not P2P memory': {
    code: `const h = platform({ kernel: '7.0', iommu: { mode: 'translated' }, pci: { switches: { sw0: {} } } })
const nic = h.device('nic0', { at: 'sw0', trusted: false })
const gpu = h.device('gpu0', { at: 'sw0', p2pMemory: { bytes: 1 << 20 } })
const buf = h.ram('buf', { pages: 1 })
export const c = () => h.plan(nic).transaction('t', { strategy: 'hmm', dir: 'bidirectional' }, [buf, gpu.p2p('win', { offset: 0x100, bytes: 0x200 })])
  .deviceWrites('t', buf).cpuReads(buf).unmap('t').build()`,
    rule: null,
  },
  'unmapping a transaction named like a region leaves other transactions alone': {
    code: `const h = platform({ iommu: { mode: 'none' } })
const soc = h.device('soc0', { coherent: false })
const a = h.ram('a', { pages: 1 })
export const c = () => h.plan(soc).transaction('io', { strategy: 'page', dir: 'from-device' }, [a]).transaction('a', { strategy: 'page', dir: 'to-device' }, [h.ram('b', { pages: 1 })])
  .deviceWrites('io', a).unmap('a').cpuReads(a).unmap('io').build()`,
    rule: 'R7',
  },
  'syncing a region the transaction does not map': {
    code: `const h = platform({ iommu: { mode: 'none' } })
const d = h.device('d0')
const a = h.ram('a', { pages: 1 })
const b = h.ram('b', { pages: 1 })
export const c = () => h.plan(d).transaction('t', { strategy: 'page', dir: 'bidirectional' }, [a]).syncForCpu('t', b).unmap('t').build()`,
    rule: 'R8',
  },
  'the device reads a region outside a DMA_FROM_DEVICE transaction: the direction is named first': {
    code: `const h = platform({ iommu: { mode: 'none' } })
const d = h.device('d0')
const a = h.ram('a', { pages: 1 })
const other = h.ram('other', { pages: 1 })
export const c = () => h.plan(d).transaction('t', { strategy: 'page', dir: 'from-device' }, [a]).deviceReads('t', other).unmap('t').build()`,
    rule: 'R7',
  },
  'a kernel version the compiler cannot see is left to the run time': {
    code: `const k = (process.env.K ?? '7.0') as '6.12' | '7.0'
const h = platform({ kernel: k, iommu: { mode: 'translated' } })
const d = h.device('d0', { dmaMask: 64 })
const a = h.ram('a', { pages: 1 })
export const c = () => h.plan(d).transaction('t', { strategy: 'iova', dir: 'to-device' }, [a]).unmap('t').build()`,
    rule: null,
  },
  'a host bridge the compiler cannot see is left to the run time (here: not allowed)': {
    code: `const allow: boolean = process.env.ALLOW === '1'
const h = platform({ kernel: '7.0', iommu: { mode: 'translated' }, pci: { hostBridgeP2P: allow } })
const d = h.device('d0', { dmaMask: 64 })
const v = h.device('gpu0', { p2pMemory: { bytes: 1 << 20 } }).p2p('v', { pages: 1 })
export const c = () => h.plan(d).transaction('t', { strategy: 'sg', dir: 'to-device' }, [v]).unmap('t').build()`,
    rule: 'R4@runtime',
  },
  'guest memory whose sharing the compiler cannot see is left to the run time (here: private)': {
    code: `const shared: boolean = process.env.SHARED === '1'
const g = platform({ kernel: '7.0', iommu: { mode: 'translated' }, coco: true })
const d = g.device('d0', { dmaMask: 64 })
export const c = () => g.plan(d).transaction('t', { strategy: 'iova', dir: 'to-device' }, [g.ram('a', { pages: 1, shared })]).unmap('t').build()`,
    rule: 'R5@runtime',
  },
  // The two plans the random agreement (random-agreement.test.ts) found beyond its default sample, written small.
  'an untrusted device whose IOVA range starts off the granule with a min_align_mask of 0 (the bounce keeps no offset)': {
    code: `const h = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
const d = h.device('nic0', { dmaMask: 64, trusted: false })
const a = h.ram('a', { offset: 0x100, bytes: 0x200 })
export const c = () => h.plan(d).transaction('t', { strategy: 'iova', dir: 'to-device' }, [a]).unmap('t').build()`,
    rule: 'R6',
  },
  'the same after setMinAlignMask(0xfff): the bounce keeps the offset': {
    code: `const h = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
const d = h.device('nic0', { dmaMask: 64, trusted: false })
const a = h.ram('a', { offset: 0x100, bytes: 0x200 })
export const c = () => h.plan(d).setMinAlignMask(0xfff).transaction('t', { strategy: 'iova', dir: 'to-device' }, [a]).unmap('t').build()`,
    rule: null,
  },
  'host-bridge P2P memory off the granule for an untrusted device: dma_iova_link() will not bounce MMIO': {
    code: `const h = platform({ kernel: '6.18', iommu: { mode: 'translated' }, pci: { hostBridgeP2P: true } })
const d = h.device('nic0', { dmaMask: 64, trusted: false })
const w = h.device('gpu0', { p2pMemory: { bytes: 1 << 20 } }).p2p('w', { offset: 0x100, bytes: 0x200 })
export const c = () => h.plan(d).transaction('t', { strategy: 'iova', dir: 'to-device' }, [w]).unmap('t').build()`,
    rule: 'R6',
  },
}

const dir = mkdtempSync(join(ROOT, 'test', 'types', '.agreement-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const files = Object.entries(cases).map(([name, c], i) => {
  const file = join(dir, `case${i}.ts`)
  writeFileSync(file, `import { platform } from 'dmaplan'\n${c.code}\n`)
  return { name, file, rule: c.rule }
})
const compiled = new Map<string, string[]>()

beforeAll(() => {
  const project = new Project({
    compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: ['node'] },
  })
  project.addSourceFilesAtPaths(files.map((f) => f.file))
  for (const d of project.getPreEmitDiagnostics()) {
    const f = d.getSourceFile()?.getFilePath() ?? ''
    compiled.set(f, [...(compiled.get(f) ?? []), ts.flattenDiagnosticMessageText(d.compilerObject.messageText, ' ')])
  }
})

describe('type level and run time agree', () => {
  for (const { name, file, rule } of files) {
    it(name, async () => {
      const types = compiled.get(file) ?? []
      const runtime = await runtimeFindings(file).catch((e: Error) => (e.message.includes('builds without a rule violation') ? [] : Promise.reject(e)))
      const [id, where] = (rule ?? '').split('@')
      if (rule === null) {
        expect(types).toEqual([])
        expect(runtime).toEqual([])
      } else if (where === 'runtime') {
        expect(types).toEqual([])
        expect(runtime.map((f) => f.rule)).toEqual([id])
      } else {
        expect(types).toHaveLength(1)
        expect(runtime.map((f) => f.rule)).toEqual([id])
        expect(types[0]).toContain(runtime[0]?.text)
      }
    })
  }
})
