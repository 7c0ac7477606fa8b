// Wall time of `dmaplan check` against the native compiler alone: check on
// every example (one tsc7 run that type-checks, the plans built and
// validated meanwhile) beside `tsc7 --noEmit` on the same files with the
// same options, run two ways: as a user runs it (the package's bin, a Node
// launcher that starts the executable: `npx tsc`) and the executable alone
// (as check runs it, without the launcher's Node process); one example alone;
// `dmaplan simulate` of one example. Each figure is the median of 5 runs, the
// runs of a row interleaved so that load from other work falls on all of them.
// Run `npm run build` first.
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
// The compiler as a user runs it (tsc7's bin: Node, then the executable), and its executable alone, as check runs it.
const tsc7Bin = (config) => [node, tsc7Binary(), '-p', config, '--pretty', 'false']
const tsc7Exe = (config) => [...tsc7Command(tsc7Binary()), '-p', config, '--pretty', 'false']

/** Seconds one command takes; its exit status must be the expected one. */
function time([cmd, ...args], expect) {
  const start = process.hrtime.bigint()
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  if (r.status !== expect) throw new Error(`${args.join(' ')} exited ${r.status}, not ${expect}: ${r.stderr}`)
  return seconds
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** Medians of commands, their runs interleaved. */
function interleaved(...commands) {
  const times = commands.map(() => [])
  for (let i = 0; i < RUNS; i++) commands.forEach((c, j) => times[j].push(time(...c)))
  return times.map(median)
}

const rows = []
const versus = (what, files, config) => {
  const [d, bin, exe] = interleaved([dmaplan('check', ...files), 0], [tsc7Bin(config), 0], [tsc7Exe(config), 0])
  rows.push([what, d, bin, exe])
}
versus(`check ${examples.length} examples`, examples, tsconfig('examples', examples))
versus(`check ${one}`, [one], tsconfig('one', [one]))
const [sim] = interleaved([dmaplan('simulate', one), 0])
rows.push([`simulate ${one}`, sim])

const s = (x) => (x === undefined ? '' : `${x.toFixed(2)} s`)
const r = (d, t) => (t === undefined ? '' : (d / t).toFixed(2))
console.log(`dmaplan against tsc7 --noEmit (its bin, and its executable alone), median of ${RUNS}`)
console.log(`${'what'.padEnd(36)} ${'dmaplan'.padStart(9)} ${'tsc7 bin'.padStart(9)} ${'ratio'.padStart(6)} ${'tsc7 exe'.padStart(9)} ${'ratio'.padStart(6)}`)
for (const [what, d, bin, exe] of rows)
  console.log(`${what.padEnd(36)} ${s(d).padStart(9)} ${s(bin).padStart(9)} ${r(d, bin).padStart(6)} ${s(exe).padStart(9)} ${r(d, exe).padStart(6)}`)
