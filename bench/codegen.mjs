/**
 * Generator benchmark: plans per second from the plan IR to formatted kernel
 * C (the module target), and what clang-format would add.
 *
 *   npm run build && node bench/codegen.mjs [plans]
 *
 * 1,000 distinct plans (every strategy, several shapes, varied names and
 * sizes) are built with the DSL first; building them is not timed. Then:
 *   - generate(): the whole module target per plan (re-check of the IR, rules
 *     R1-R9, model, C, headers, Kbuild), as `dmaplan gen` runs it. Its C is
 *     already in clang-format's layout; clang-format runs only for the plans
 *     whose lines the writer cannot vouch for (counted).
 *   - the same with clangFormat: 'never', to show that nothing was formatted.
 *   - clang-format over every generated .c, batched (two processes, hundreds
 *     of files each), and one process per file, to show what formatting every
 *     output would cost.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodePlan, encodePlan, platform, validatePlan } from '../dist/index.js'
import { generate, clangFormatBinary, CLANG_FORMAT_CONFIG } from '../dist/codegen/index.js'

const COUNT = Number(process.argv[2] ?? 1000)
const names = ['rx', 'tx', 'ring', 'mr', 'cmd', 'data', 'meta', 'bounce']

function makePlan(i) {
  const shape = i % 8
  const kernel = ['7.0', '6.18', '7.0', '6.17', '7.0', '6.16', '7.0', '6.12'][i % 8]
  const host = platform({
    kernel: shape === 5 ? '7.0' : kernel,
    iommu: shape === 2 ? { mode: 'none' } : { mode: 'translated', flush: i % 3 === 0 ? 'lazy' : 'strict' },
    pci: { switches: { sw0: {}, sw1: {} }, hostBridgeP2P: true },
  })
  const dev = host.device(`dev${i}`, { at: 'sw0', dmaMask: 32 + (i % 33), maxSegmentSize: 0x10000 << (i % 3) })
  const near = host.device(`gpu${i}`, { at: 'sw0', p2pMemory: { bytes: 1n << 30n } })
  const far = host.device(`acc${i}`, { at: 'sw1', p2pMemory: { bytes: 1n << 28n } })
  const pages = 1 + (i % 17)
  const a = host.ram(`a${i}`, { pages })
  const b = host.ram(`b${i}`, { pages: 1 + (i % 5) })
  const c = host.ram(`c${i}`, { bytes: 0x100 + (i % 0xe00) })
  const v = near.p2p(`v${i}`, { pages: 2 })
  const f = far.p2p(`f${i}`, { pages: 2 })
  const tx = `${names[i % names.length]}${i}`
  const p = host.plan(dev, { name: `plan_${i}` })
  switch (shape) {
    case 0: // iova with a sync
      return p.transaction(tx, { strategy: 'iova', dir: 'bidirectional' }, [a, b, c]).deviceWrites(tx, b).syncForCpu(tx).cpuReads(b).unmap(tx).build()
    case 1: // page + sg, unmapped out of order
      return p
        .transaction(tx, { strategy: 'page', dir: 'to-device' }, [a, c])
        .transaction('sgl', { strategy: 'sg', dir: 'from-device' }, [b])
        .deviceReads(tx, a)
        .unmap(tx)
        .deviceWrites('sgl', b)
        .unmap('sgl')
        .build()
    case 2: // coherent ring and per-buffer maps without an IOMMU
      return p
        .transaction('ring', { strategy: 'coherent', dir: 'bidirectional' }, [b])
        .transaction(tx, { strategy: 'page', dir: 'from-device' }, [a])
        .deviceWrites(tx, a)
        .syncForCpu(tx)
        .cpuReads(a)
        .unmap(tx)
        .keep('ring')
        .build()
    case 3: // blk on 6.17
      return p.transaction(tx, { strategy: 'blk', dir: 'from-device' }, [a, b]).deviceWrites(tx, a).unmap(tx).build()
    case 4: // hmm mixing host and peer pages, faulting
      return p
        .transaction(tx, { strategy: 'hmm', dir: 'bidirectional', populate: false }, [a, v])
        .hmmFault(tx, 0)
        .hmmFault(tx, pages)
        .deviceReads(tx, v)
        .hmmInvalidate(tx, 0)
        .unmap(tx)
        .build()
    case 5: // auto over every kind
      return p.transaction(tx, { strategy: 'auto', dir: 'to-device' }, [a, c, v, f, b]).deviceReads(tx, c).unmap(tx).build()
    case 6: // p2p-bus
      return p.transaction(tx, { strategy: 'p2p-bus', dir: 'to-device' }, [v]).deviceReads(tx, v).unmap(tx).build()
    default: // page of host-bridge P2P on 6.12 (dma_map_resource), and sg
      return p
        .transaction(tx, { strategy: 'page', dir: 'to-device' }, [f])
        .transaction('sgl', { strategy: 'sg', dir: 'to-device' }, [a, b])
        .deviceReads(tx, f)
        .unmap(tx)
        .unmap('sgl')
        .build()
  }
}

function time(fn) {
  globalThis.gc?.()
  const t0 = process.hrtime.bigint()
  const r = fn()
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, r }
}

const plans = Array.from({ length: COUNT }, (_, i) => makePlan(i))
console.log(`dmaplan codegen benchmark: ${COUNT} plans, node ${process.version}`)

// The first call reads and parses templates/ from disk; everything after is per plan.
generate(plans[0], { target: 'module' })

const pass = (clangFormat) => time(() => plans.map((plan) => generate(plan, { target: 'module', clangFormat }).get(`${plan.name}.c`)))
const median = (runs) => [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]
// The first pass also pays for JIT warm-up and young-generation growth.
const first = pass('auto')
const auto = median([pass('auto'), pass('auto'), pass('auto')])
const never = median([pass('never'), pass('never'), pass('never')])
let formatted = 0
for (let i = 0; i < COUNT; i++) if (auto.r[i] !== never.r[i]) formatted++
const lines = auto.r.reduce((n, c) => n + c.split('\n').length, 0)

const rate = (ms) => `${Math.round((COUNT / ms) * 1000).toLocaleString('en')} plans/s`
console.log(`generate(), module target, IR to formatted C (clang-format only where the writer is unsure):`)
console.log(`  first pass:          ${first.ms.toFixed(0)} ms for ${COUNT} plans, ${rate(first.ms)}`)
console.log(`  warm (median of 3):  ${auto.ms.toFixed(0)} ms for ${COUNT} plans, ${rate(auto.ms)}, ${(auto.ms / COUNT).toFixed(3)} ms/plan`)
console.log(`  plans whose C clang-format had to lay out: ${formatted} of ${COUNT}`)
console.log(`generate() with clangFormat 'never' (median of 3): ${never.ms.toFixed(0)} ms, ${rate(never.ms)}`)
console.log(`  ${lines.toLocaleString('en')} lines of C (${Math.round(lines / COUNT)} per driver)`)
// generate() re-checks every plan as if it came from JSON (schema, then rules R1-R9): its share.
const recheck = median([0, 1, 2].map(() => time(() => plans.map((plan) => validatePlan(decodePlan(encodePlan(plan)).plan)))))
console.log(`  of which re-checking the IR (schema decode + rules R1-R9): ${recheck.ms.toFixed(0)} ms (${Math.round((recheck.ms / auto.ms) * 100)}%)`)

const bin = clangFormatBinary()
if (bin === null) {
  console.log('clang-format: not installed, formatting cost not measured')
} else {
  const dir = mkdtempSync(join(tmpdir(), 'dmaplan-bench-'))
  const files = auto.r.map((c, i) => {
    const f = join(dir, `p${i}.c`)
    writeFileSync(f, c)
    return f
  })
  const style = `--style=file:${CLANG_FORMAT_CONFIG}`
  // Batched: two processes (two cores), each formatting half the files in place.
  const t0 = process.hrtime.bigint()
  await Promise.all(
    [files.slice(0, COUNT / 2), files.slice(COUNT / 2)].map(
      (batch) => new Promise((ok, fail) => spawn(bin, [style, '-i', ...batch], { stdio: 'inherit' }).on('exit', (code) => (code === 0 ? ok() : fail(code)))),
    ),
  )
  const batched = Number(process.hrtime.bigint() - t0) / 1e6
  // One process per file, as a per-plan pipeline would run it (sampled).
  const sample = Math.min(50, COUNT)
  const single = time(() => {
    for (let i = 0; i < sample; i++) execFileSync(bin, [style, files[i]], { encoding: 'utf8' })
  })
  const perFile = single.ms / sample
  // The outputs were already in clang-format's layout: formatting them changed nothing.
  let changed = 0
  for (let i = 0; i < sample; i++) if (execFileSync(bin, [style, files[i]], { encoding: 'utf8' }) !== auto.r[i]) changed++
  rmSync(dir, { recursive: true, force: true })
  console.log(`clang-format, batched over all ${COUNT} drivers (2 processes): ${batched.toFixed(0)} ms, ${(batched / COUNT).toFixed(2)} ms/plan`)
  console.log(`clang-format, one process per driver: ${perFile.toFixed(1)} ms/plan, ${((perFile * COUNT) / 1000).toFixed(1)} s for ${COUNT}`)
  console.log(`  drivers clang-format would change: ${changed} of ${sample} sampled`)
  console.log(
    `=> IR to formatted C: ${rate(auto.ms)}; formatting every output with clang-format would add ${(batched / COUNT).toFixed(2)} ms/plan batched (${Math.round(((batched + never.ms) / never.ms) * 10) / 10}x the generation time), ${perFile.toFixed(1)} ms/plan unbatched`,
  )
}
