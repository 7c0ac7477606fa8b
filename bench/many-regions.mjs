/**
 * Plans of many regions: N regions, each mapped by its own transaction with
 * `page` behind a strict IOMMU, then all unmapped, as a JSON plan (and, for
 * the largest N, as a .ts plan whose loop builds the same plan). Times
 * `dmaplan check` and `dmaplan simulate` (and, for the .ts plan, `dmaplan
 * plan`, which builds and writes it) as whole processes and prints the
 * seconds, the microseconds per region (flat when the work grows linearly)
 * and the peak resident memory.
 *
 *   npm run build && node bench/many-regions.mjs [N ...]
 *
 * The target (100,000 regions checked and simulated in under 10 s each) is
 * read off the figures; nothing here asserts it.
 */
import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { planToJson, platform } from '../dist/index.js'

const root = join(import.meta.dirname, '..')
const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [1_000, 10_000, 100_000]
const dir = mkdtempSync(join(tmpdir(), 'dmaplan-bench-many-'))

/** The same plan the .ts file below builds, as JSON. */
function jsonPlan(n) {
  const host = platform({ kernel: '7.0', iommu: { mode: 'translated', flush: 'strict' } })
  const nvme = host.device('nvme0', { dmaMask: 64 })
  const regions = Array.from({ length: n }, (_, i) => host.ram(`r${i}`, { pages: 1 }))
  let p = host.plan(nvme, { name: 'many' })
  for (let i = 0; i < n; i++) p = p.transaction(`t${i}`, { strategy: 'page', dir: 'to-device' }, [regions[i]])
  for (let i = 0; i < n; i++) p = p.unmap(`t${i}`)
  return planToJson(p.build())
}

const tsPlan = (n) => `import { platform } from 'dmaplan'
import type { AnyPlanBuilder } from 'dmaplan'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated', flush: 'strict' } })
const nvme = host.device('nvme0', { dmaMask: 64 })
const n = ${n}
const regions = Array.from({ length: n }, (_, i) => host.ram(\`r\${i}\`, { pages: 1 }))
let p: AnyPlanBuilder = host.plan(nvme, { name: 'many' })
for (let i = 0; i < n; i++) p = p.transaction(\`t\${i}\`, { strategy: 'page', dir: 'to-device' }, [regions[i]!])
for (let i = 0; i < n; i++) p = p.unmap(\`t\${i}\`)
export default p.build()
`

/**
 * Seconds and peak MiB of one run of the command line (GNU time reports the
 * peak). Its output goes to a file, as a user keeps a report of 10^5
 * transactions: read through a pipe by this process, the reading would
 * share the two cores with the run it times.
 */
function run(args) {
  const out = openSync(join(dir, 'out.txt'), 'w')
  const start = process.hrtime.bigint()
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, join(root, 'bin', 'dmaplan.js'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', out, 'pipe'],
  })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  closeSync(out)
  if (r.status !== 0) throw new Error(`dmaplan ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`)
  const kb = Number(r.stderr.trim().split('\n').at(-1))
  return { seconds, mib: kb / 1024 }
}

const rows = []
for (const n of sizes) {
  const file = join(dir, `many-${n}.json`)
  writeFileSync(file, jsonPlan(n))
  for (const verb of ['check', 'simulate']) rows.push([`${verb} ${n} regions (JSON)`, n, run([verb, file])])
}
const largest = Math.max(...sizes)
const ts = join(dir, 'many.ts')
writeFileSync(ts, tsPlan(largest))
for (const verb of ['check', 'plan', 'simulate']) rows.push([`${verb} ${largest} regions (.ts)`, largest, run([verb, ts])])

console.log('what                                   seconds   µs/region   peak MiB')
for (const [what, n, { seconds, mib }] of rows)
  console.log(`${what.padEnd(38)} ${seconds.toFixed(2).padStart(7)}   ${((seconds * 1e6) / n).toFixed(0).padStart(9)}   ${mib.toFixed(0).padStart(8)}`)
rmSync(dir, { recursive: true, force: true })
