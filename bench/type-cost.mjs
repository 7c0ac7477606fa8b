// Type cost of the DSL: deterministic instantiation counts from the TypeScript 6
// compiler API (the pinned typescript 6 package), per builder step and for whole
// plans, against the built typings (run `npm run build` first).
//
//   node bench/type-cost.mjs
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { planCompilerOptions } from '../dist/cli/plan-tsconfig.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const cache = join(root, 'bench', '.cache')
mkdirSync(cache, { recursive: true })

const options = ts.convertCompilerOptionsFromJson({ ...planCompilerOptions(join(root, 'dist', 'index.d.ts')), noEmit: true }, root).options

const HEADER = `import { platform } from 'dmaplan'
import type { AnyPlanBuilder, AnyRegion } from 'dmaplan'
const host = platform({
  kernel: '7.0',
  iommu: { mode: 'translated', granule: 4096, flush: 'strict' },
  pci: { switches: { sw0: { acsRedirect: false } }, hostBridgeP2P: false },
})
const nic = host.device('mlx5_0', { at: 'sw0', dmaMask: 64, coherent: false })
const gpu = host.device('gpu0', { at: 'sw0', p2pMemory: { bytes: 1n << 30n } })
const vram = gpu.p2p('vram', { pages: 8 })
`

/** Compiles one file; returns its instantiation count and diagnostics. */
function measure(name, body) {
  const file = join(cache, `${name}.ts`)
  writeFileSync(file, HEADER + body)
  const program = ts.createProgram([file], options)
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file)
  return {
    count: program.getInstantiationCount(),
    diagnostics: diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ').slice(0, 120)),
  }
}

const regions = (n) => Array.from({ length: n }, (_, i) => `const r${i} = host.ram('r${i}', { pages: ${i + 1} })\n`).join('')

/** A realistic plan of `steps` steps: cycles of map, device write, sync, CPU read, unmap with distinct names. */
function plan(steps, through = '') {
  const cycles = Math.ceil(steps / 5)
  let s = regions(cycles)
  s += `export const p = ${through ? `${through}(` : ''}host.plan(nic)${through ? ')' : ''}\n`
  let n = 0
  for (let i = 0; i < cycles && n < steps; i++) {
    const calls = [
      `.transaction('t${i}', { strategy: 'iova', dir: 'bidirectional' }, [r${i}])`,
      `.deviceWrites('t${i}', r${i})`,
      `.syncForCpu('t${i}')`,
      `.cpuReads(r${i})`,
      `.unmap('t${i}')`,
    ]
    for (const c of calls) if (n++ < steps) s += `  ${c}\n`
  }
  // Keep the terminal callable whatever the cut: keep every live transaction.
  const live = []
  for (let i = 0, k = 0; i < cycles; i++, k += 5) if (steps > k && steps < k + 5) live.push(`t${i}`)
  for (const t of live) s += `  .keep('${t}')\n`
  return `${s}  .build()\n`
}

// Steps are measured in steady state: after one full cycle on another transaction, so that the
// one-off work of the first step (the platform's verdict tables) is not charged to every step.
const WARM = `.transaction('w', { strategy: 'iova', dir: 'bidirectional' }, [rw]).deviceWrites('w', rw).syncForCpu('w').cpuReads(rw).unmap('w')`
const SETUP = `${regions(1)}const rw = host.ram('rw', { pages: 2 })\nconst hdr = host.ram('hdr', { offset: 0x40, bytes: 0x80 })\n`
const cycle = [
  ['transaction', `.transaction('t0', { strategy: 'iova', dir: 'bidirectional' }, [r0])`],
  ['deviceWrites', `.deviceWrites('t0', r0)`],
  ['syncForCpu', `.syncForCpu('t0')`],
  ['cpuReads', `.cpuReads(r0)`],
  ['unmap', `.unmap('t0')`],
]
const invalidKinds = [
  ['transaction R3 (bus-address P2P in an IOVA range)', '', `.transaction('t0', { strategy: 'iova', dir: 'bidirectional' }, [vram])`],
  ['transaction R6 (interior range off the granule)', '', `.transaction('t0', { strategy: 'iova', dir: 'bidirectional' }, [r0, hdr, r0])`],
  ['transaction R1 (iova without an IOMMU)', 'none', `.transaction('t0', { strategy: 'iova', dir: 'bidirectional' }, [r0])`],
  ['deviceWrites R8 (transaction not mapped)', '', `.deviceWrites('t9', r0)`],
  ['deviceWrites R7 (mapped DMA_TO_DEVICE)', '', `.transaction('t0', { strategy: 'iova', dir: 'to-device' }, [r0])`, `.deviceWrites('t0', r0)`],
  ['cpuReads R7 (no sync for the CPU)', '', `.transaction('t0', { strategy: 'iova', dir: 'bidirectional' }, [r0]).deviceWrites('t0', r0)`, `.cpuReads(r0)`],
]

const rows = []
const warm = (mode) => (mode === 'none' ? `const host2 = platform({ kernel: '7.0', iommu: { mode: 'none' } })\nconst nic2 = host2.device('n2', { dmaMask: 64 })\nconst r0b = host2.ram('r0', { pages: 1 })\nexport const p = host2.plan(nic2).transaction('w', { strategy: 'page', dir: 'bidirectional' }, [r0b]).unmap('w')` : `export const p = host.plan(nic)${WARM}`)
let chain = ''
let previous = measure('steady-base', `${SETUP}${warm('')}\n`).count
for (const [kind, call] of cycle) {
  chain += call
  const m = measure(`step-${kind}`, `${SETUP}${warm('')}${chain}\n`)
  if (m.diagnostics.length) throw new Error(`${kind}: unexpected diagnostics ${m.diagnostics.join('; ')}`)
  rows.push({ what: `valid step: ${kind}`, instantiations: m.count - previous })
  previous = m.count
}
const validSteps = rows.map((r) => r.instantiations)
for (const [i, [kind, mode, pre, call]] of invalidKinds.entries()) {
  const before = call ? pre : ''
  const step = call ?? pre
  const warmed = mode === 'none' ? warm('none').replace(/\[r0\]/g, '[r0b]') : warm('')
  const prefix = measure(`inv-prefix-${i}`, `${SETUP}${warmed}${before.replace(/\br0\b/g, mode === 'none' ? 'r0b' : 'r0')}\n`)
  const m = measure(`invalid-${i}`, `${SETUP}${warmed}${(before + step).replace(/\br0\b/g, mode === 'none' ? 'r0b' : 'r0')}\n`)
  if (m.diagnostics.length !== 1) throw new Error(`${kind}: expected one diagnostic, got ${m.diagnostics.join('; ')}`)
  rows.push({ what: `invalid step: ${kind}`, instantiations: m.count - prefix.count })
}
// Transaction shapes on a coherent device: the valid step above is the common shape (host memory on
// the granule), which the first lookup decides. Other shapes take the per-kind checks the first time
// a plan maps those regions with that strategy; a transaction of a shape already seen costs the same
// whatever the shape.
const SHAPES = `const hba = host.device('hba0', { at: 'sw0', dmaMask: 64 })
const buf = host.ram('buf', { pages: 2 })
const tail = host.ram('tail', { offset: 0x40, bytes: 0x80 })
const head = host.ram('head', { offset: 0x40, bytes: 0x2000 - 0x40 })
const r1 = host.ram('r1', { pages: 1 })
export const p = host.plan(hba).transaction('w', { strategy: 'iova', dir: 'bidirectional' }, [buf]).deviceWrites('w', buf).syncForCpu('w').cpuReads(buf).unmap('w')`
const shapes = [
  ['iova, one page of host memory', `{ strategy: 'iova', dir: 'bidirectional' }, [r1]`],
  ['iova, first range off the granule', `{ strategy: 'iova', dir: 'to-device' }, [head, r1]`],
  ['iova with a DMA attribute', `{ strategy: 'iova', dir: 'to-device', attrs: ['DMA_ATTR_SKIP_CPU_SYNC'] }, [r1]`],
  ['sg, host memory with a sub-page header', `{ strategy: 'sg', dir: 'to-device' }, [r1, tail]`],
  ['hmm, host memory and bus-address P2P', `{ strategy: 'hmm', dir: 'bidirectional' }, [r1, vram]`],
  ['p2p-bus, P2P memory', `{ strategy: 'p2p-bus', dir: 'from-device' }, [vram]`],
]
const shapesBase = measure('shapes-base', `${SETUP}${SHAPES}\n`).count
const shapeRows = shapes.map(([what, args], i) => {
  const tx = (name) => `.transaction('${name}', ${args})`
  const once = measure(`shape-${i}-first`, `${SETUP}${SHAPES}${tx('t0')}\n`)
  // The same shape mapped and unmapped once before, under another name.
  const seen = `${SHAPES}${tx('w2')}.unmap('w2')`
  const seenBase = measure(`shape-${i}-seen`, `${SETUP}${seen}\n`).count
  const again = measure(`shape-${i}-again`, `${SETUP}${seen}${tx('t0')}\n`)
  for (const m of [once, again]) if (m.diagnostics.length) throw new Error(`${what}: unexpected diagnostics ${m.diagnostics.join('; ')}`)
  return { what, first: once.count - shapesBase, again: again.count - seenBase }
})

const first = measure('first-transaction', `${SETUP}export const p = host.plan(nic).transaction('t0', { strategy: 'iova', dir: 'bidirectional' }, [r0])\n`)
const firstBase = measure('first-base', `${SETUP}export const p = host.plan(nic)\n`)

const planRows = []
for (const steps of [10, 50, 100]) {
  const m = measure(`plan-${steps}`, plan(steps))
  if (m.diagnostics.length) throw new Error(`plan of ${steps}: ${m.diagnostics.join('; ')}`)
  const b = measure(`plan-${steps}-base`, `${regions(Math.ceil(steps / 5))}export const p = host.plan(nic)\n`)
  planRows.push({ steps, instantiations: m.count - b.count, perStep: (m.count - b.count) / steps })
}
const helper = `function roundTrip<B extends AnyPlanBuilder>(b: B, tx: string, r: AnyRegion) {
  return b.deviceWrites(tx, r).syncForCpu(tx).cpuReads(r)
}
`
const viaHelper = measure('plan-100-helper', helper + plan(100).replace("export const p = host.plan(nic)\n  .transaction('t0', { strategy: 'iova', dir: 'bidirectional' }, [r0])", "export const p = roundTrip(host.plan(nic).transaction('t0', { strategy: 'iova', dir: 'bidirectional' }, [r0]), 't0', r0)"))

console.log(`dmaplan type cost (TypeScript ${ts.version}, instantiation counts, deterministic)\n`)
console.log('per builder step, steady state (marginal count over the plan before it):')
for (const r of rows) console.log(`  ${r.what.padEnd(62)} ${String(r.instantiations).padStart(6)}`)
console.log(`  ${'valid steps, largest'.padEnd(62)} ${String(Math.max(...validSteps)).padStart(6)}  (target <= 250)`)
console.log(`  ${'valid steps, mean of the five kinds'.padEnd(62)} ${String(Math.round(validSteps.reduce((a, b) => a + b, 0) / validSteps.length)).padStart(6)}`)
console.log(`  ${'invalid steps, largest'.padEnd(62)} ${String(Math.max(...rows.slice(validSteps.length).map((r) => r.instantiations))).padStart(6)}  (target <= 1500)`)
console.log(`  ${'one-off: the platform\'s verdict tables, on the first transaction'.padEnd(62)} ${String(first.count - firstBase.count - validSteps[0]).padStart(6)}`)
console.log('\nvalid transactions by shape (first of its shape in the plan / shape already seen):')
for (const r of shapeRows) console.log(`  ${r.what.padEnd(46)} ${String(r.first).padStart(6)} ${String(r.again).padStart(6)}`)
console.log('\nwhole plans (count over the same setup without steps):')
for (const r of planRows) console.log(`  ${String(r.steps).padStart(3)} steps ${String(r.instantiations).padStart(8)}  ${r.perStep.toFixed(1).padStart(7)} per step`)
const growth = planRows[2].perStep / planRows[0].perStep
console.log(`  per-step cost at 100 steps / at 10 steps: ${growth.toFixed(2)} (1.00 = linear)`)
console.log(`\n100-step plan through a generic helper: ${viaHelper.diagnostics.length === 0 ? 'no diagnostics (no "excessively deep")' : viaHelper.diagnostics.join('; ')}`)
if (viaHelper.diagnostics.length) process.exitCode = 1
