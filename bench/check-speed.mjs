// Wall time of `dmaplan check` against the native compiler alone: check on
// every example (one tsc7 run that type-checks and emits, then the plans
// built and validated) beside `tsc7 --noEmit` on the same files with the
// same options; one example alone; `dmaplan simulate` of one example. Each
// figure is the median of 5 runs, the runs of a pair interleaved so that
// load from other work falls on both. Run `npm run build` first.
//
//   node bench/check-speed.mjs
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { planCompilerOptions } from '../dist/cli/plan-tsconfig.js'
import { tsc7Binary, tsc7Command } from '../dist/cli/native-typecheck.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const cache = join(root, 'bench', '.cache')
mkdirSync(cache, { recursive: true })
const RUNS = 5

const examples = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.ts'))
  .sort()
  .map((f) => join('examples', f))
const one = 'examples/nvme-blk.ts'

/** The options check gives the compiler (src/cli/native-typecheck.ts). */
function tsconfig(name, files) {
  const file = join(cache, `${name}.tsconfig.json`)
  const compilerOptions = { ...planCompilerOptions(join(root, 'dist', 'index.d.ts')), noEmit: true }
  writeFileSync(file, JSON.stringify({ compilerOptions, files: files.map((f) => join(root, f)) }))
  return file
}

const node = process.execPath
const dmaplan = (...args) => [node, join(root, 'bin', 'dmaplan.js'), ...args]
// The compiler's executable, as check runs it (without the launcher's own Node process).
const tsc7 = (config) => [...tsc7Command(tsc7Binary()), '-p', config, '--pretty', 'false']

/** Seconds one command takes; its exit status must be the expected one. */
function time([cmd, ...args], expect) {
  const start = process.hrtime.bigint()
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  if (r.status !== expect) throw new Error(`${args.join(' ')} exited ${r.status}, not ${expect}: ${r.stderr}`)
  return seconds
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** Medians of a pair of commands, their runs interleaved. */
function pair(a, b) {
  const ta = []
  const tb = []
  for (let i = 0; i < RUNS; i++) {
    ta.push(time(...a))
    tb.push(time(...b))
  }
  return [median(ta), median(tb)]
}

const rows = []
const all = pair([dmaplan('check', ...examples), 0], [tsc7(tsconfig('examples', examples)), 0])
rows.push([`check ${examples.length} examples`, ...all])
const single = pair([dmaplan('check', one), 0], [tsc7(tsconfig('one', [one])), 0])
rows.push([`check ${one}`, ...single])
const sim = median(Array.from({ length: RUNS }, () => time(dmaplan('simulate', one), 0)))
rows.push([`simulate ${one}`, sim, undefined])

const s = (x) => (x === undefined ? '' : `${x.toFixed(2)} s`)
console.log(`dmaplan against tsc7 --noEmit, median of ${RUNS}`)
console.log(`${'what'.padEnd(36)} ${'dmaplan'.padStart(9)} ${'tsc7'.padStart(9)} ${'ratio'.padStart(6)}`)
for (const [what, d, t] of rows) console.log(`${what.padEnd(36)} ${s(d).padStart(9)} ${s(t).padStart(9)} ${(t === undefined ? '' : (d / t).toFixed(2)).padStart(6)}`)
