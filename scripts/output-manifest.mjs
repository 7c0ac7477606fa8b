#!/usr/bin/env node
// Every user-visible output of the command line on the project's own plans,
// as one SHA-256 per output: what check, simulate, compare, explain, import
// and gen print or write, with their exit status. A refactoring must leave
// the manifest unchanged (test/cli/outputs.test.ts); a change that means to
// alter an output regenerates it with `node scripts/output-manifest.mjs --write`
// and the diff names every output it touched.
//
// Runs the built CLI (dist/) in this process, so ts-morph loads once.
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
process.chdir(root)
const { main } = await import('../dist/cli/main.js')
const MANIFEST = 'test/cli/__outputs__/manifest.sha256'

const sha = (text) => createHash('sha256').update(text).digest('hex')
const list = (dir, ext) => readdirSync(dir).filter((f) => f.endsWith(ext)).sort().map((f) => join(dir, f))

/** Runs one command line with stdout and stderr captured; returns the exit status and both texts. */
async function run(argv) {
  const out = []
  const err = []
  const write = { out: process.stdout.write, err: process.stderr.write }
  process.stdout.write = (chunk) => (out.push(String(chunk)), true)
  process.stderr.write = (chunk) => (err.push(String(chunk)), true)
  let code
  try {
    code = await main(argv)
  } finally {
    process.stdout.write = write.out
    process.stderr.write = write.err
  }
  return { code, stdout: out.join(''), stderr: err.join('') }
}

/** Every file under dir, relative path and content, in a stable order. */
function tree(dir) {
  const files = []
  if (!existsSync(dir)) return files
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else files.push([relative(dir, p), readFileSync(p)])
    }
  }
  walk(dir)
  return files
}

const lines = []
const scratch = mkdtempSync(join(tmpdir(), 'dmaplan-outputs-'))
let n = 0
// A scratch path differs from run to run; outputs name it as <scratch>.
const scrub = (text) => text.split(scratch).join('<scratch>')

async function record(argv, { dir } = {}) {
  const label = argv.map((a) => a.split(scratch).join('<scratch>')).join(' ')
  const r = await run(argv)
  lines.push(`${sha(scrub(r.stdout))} ${sha(scrub(r.stderr))} ${r.code} ${label}`)
  if (dir !== undefined) for (const [path, body] of tree(dir)) lines.push(`${sha(body)} - - ${label} :: ${path}`)
}

const fresh = () => join(scratch, String(n++))

const valid = list('examples', '.ts')
const invalid = list('examples/invalid', '.ts')
// The type-level fixtures: each holds several violations and exports no plan.
const fixtures = list('test/fixtures/invalid', '.ts')
const imported = list('examples/traces', '.plan.json')
const { STRATEGY_NAMES: STRATEGIES } = await import('../dist/strategies/index.js')
const KERNELS = ['6.12', '6.16', '6.17', '6.18', '7.0']
const TARGETS = ['module', 'harness', 'pseudo', 'sim-ts']

await record(['--help'])
for (const verb of ['check', 'simulate', 'gen', 'plan', 'compare', 'import', 'explain']) await record([verb, '--help'])
await record(['check', ...valid, ...invalid, ...fixtures])
await record(['check', '--json', ...valid, ...invalid, ...fixtures])
for (const plan of [...valid, ...invalid, ...fixtures]) await record(['check', plan])
for (const plan of [...valid, ...invalid, ...imported]) {
  await record(['simulate', plan])
  await record(['plan', plan])
  await record(['simulate', '--json', plan])
  await record(['simulate', '--debug', '--unbind', plan])
  await record(['compare', plan])
  await record(['compare', '--json', plan])
}
for (const plan of valid) {
  const html = join(fresh(), 'report.html')
  await record(['simulate', plan, '--html', html])
  lines.push(`${sha(readFileSync(html))} - - html ${plan}`)
  await record(['simulate', '--fail-at-call', '2', plan])
  await record(['simulate', '--exhaust-iova', plan])
  await record(['simulate', '--swiotlb-full', plan])
  for (const target of TARGETS) {
    const out = fresh()
    await record(['gen', plan, '--out', out, '--target', target], { dir: out })
  }
  for (const strategy of STRATEGIES) {
    const out = fresh()
    await record(['gen', plan, '--out', out, '--strategy', strategy], { dir: out })
  }
  for (const kernel of KERNELS) {
    const out = fresh()
    await record(['gen', plan, '--out', out, '--kernel', kernel, '--json'], { dir: out })
  }
}
for (const plan of invalid) await record(['gen', plan, '--out', fresh()])
const { RULE_IDS: rules } = await import('../dist/plan/rules/registry.js')
await record(['explain', ...rules])
await record(['explain', '--json', ...rules])
const { FINDING_IDS } = await import('../dist/sim/explain.js')
await record(['explain', ...FINDING_IDS])
await record(['explain', '--json', ...FINDING_IDS])
await record(['import', 'examples/traces/nvme-7.3.trace'])
await record(['import', '--json', 'examples/traces/nvme-7.3.trace'])
await record(['import', '--probes'])
rmSync(scratch, { recursive: true, force: true })

const text = lines.join('\n') + '\n'
if (process.argv.includes('--write')) {
  writeFileSync(MANIFEST, text)
  console.log(`${MANIFEST}: ${lines.length} outputs`)
} else process.stdout.write(text)
