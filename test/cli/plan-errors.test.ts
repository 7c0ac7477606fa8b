/**
 * Every error a .ts plan raises while it is built reaches the user whole:
 * file:line:col, the cause, one sentence, in text and in `check --json`; and
 * `check` reports a file's type errors whether or not its plan also throws.
 * One row per way a newcomer's plan went wrong.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { dmaplan } from '../support/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'dmaplan-plan-errors-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const header = "import { platform } from 'dmaplan'\nconst host = platform({ kernel: '7.0', iommu: { mode: 'translated' } })\n"
/** A plan of one transaction, with the parts a row changes. */
const plan = (o: { tx?: string; strategy?: string; dir?: string; region?: string; device?: string; name?: string; before?: string }): string =>
  `${header}const nic = host.device('${o.device ?? 'nic0'}', { dmaMask: 64 })
const a = host.ram('${o.region ?? 'a'}', { pages: 1 })
${o.before ?? ''}export default host.plan(nic${o.name !== undefined ? `, { name: '${o.name}' }` : ''}).transaction('${o.tx ?? 'rx'}', { strategy: '${o.strategy ?? 'page'}', dir: '${o.dir ?? 'to-device'}' }, [a]).unmap('${o.tx ?? 'rx'}').build()
`

interface Row {
  readonly what: string
  readonly text: string
  /** What simulate says on stderr (it runs the plan without type-checking it). */
  readonly simulate: RegExp
  /** What check says: the compiler's sentence on stdout, or the run time's on stderr; and check --json's error cause. */
  readonly check: { readonly stdout?: RegExp; readonly cause?: string; readonly status: number }
}

const rows: Row[] = [
  {
    what: 'a strategy that is none',
    text: plan({ strategy: 'iov' }),
    simulate: /:5:\d+: strategy 'iov' is not one of iova, page, sg, p2p-bus, hmm, blk, coherent, auto\. Did you mean iova\?$/,
    check: { stdout: /:5:\d+ TS2322 strategy 'iov' is not one of iova, page/, status: 1 },
  },
  {
    what: 'a direction that is none',
    text: plan({ dir: 'to_device' }),
    simulate: /:5:\d+: dir 'to_device' is not one of to-device, from-device, bidirectional\. Did you mean to-device\?$/,
    check: { stdout: /:5:\d+ TS2322 dir 'to_device' is not one of/, status: 1 },
  },
  {
    what: 'a transaction name that is not a C identifier',
    text: plan({ tx: 'tx-1' }),
    simulate: /:5:\d+: transaction name 'tx-1' is not a C identifier, .* Perhaps tx_1\.$/,
    check: { stdout: /:5:\d+ TS2345 transaction name 'tx-1' is not a C identifier/, status: 1 },
  },
  {
    what: 'a region name that is not a C identifier',
    text: plan({ region: 'rx buf' }),
    simulate: /:4:\d+: region name 'rx buf' is not a C identifier, .* Perhaps rx_buf\.$/,
    check: { stdout: /:4:\d+ TS2345 region name 'rx buf' is not a C identifier/, status: 1 },
  },
  {
    what: 'a device name that is not a C identifier',
    text: plan({ device: '0nic' }),
    simulate: /:3:\d+: device name '0nic' is not a C identifier, .* Perhaps _0nic\.$/,
    check: { stdout: /:3:\d+ TS2345 device name '0nic' is not a C identifier/, status: 1 },
  },
  {
    what: 'a plan name that is not a C identifier',
    text: plan({ name: 'my-plan' }),
    simulate: /:5:\d+: plan name 'my-plan' is not a C identifier, .* Perhaps my_plan\.$/,
    check: { stdout: /:5:\d+ TS2322 plan name 'my-plan' is not a C identifier, /, status: 1 },
  },
  {
    what: 'code that throws a message of two lines',
    text: plan({ before: "if (a.name === 'a') throw new Error('the lab is closed\\non Sundays')\n" }),
    simulate: /:5:\d+ threw while building its plan: the lab is closed on Sundays$/,
    check: { cause: 'threw', status: 2 },
  },
  {
    what: 'a type error and code that throws',
    text: plan({ before: "const n: number = 'four'\nif (n) throw new Error('the lab is closed')\n" }),
    simulate: /:6:\d+ threw while building its plan: the lab is closed$/,
    check: { stdout: /:5:\d+ TS2322 Type 'string' is not assignable to type 'number'/, cause: 'threw', status: 2 },
  },
]

describe('errors while a plan is built', () => {
  for (const [i, row] of rows.entries()) {
    const file = join(dir, `plan${i}.ts`)
    writeFileSync(file, row.text)
    it(`${row.what}: simulate says where and what, in one sentence`, () => {
      const r = dmaplan(['simulate', file])
      expect(r.status, r.stderr).toBe(2)
      expect(r.stdout).toBe('')
      const lines = r.stderr.trimEnd().split('\n')
      expect(lines, r.stderr).toHaveLength(1)
      expect(lines[0]).toMatch(new RegExp(`^dmaplan: ${file.replace(/[.]/g, '\\.')}`))
      expect(lines[0]).toMatch(row.simulate)
    })
    it(`${row.what}: check reports the compiler's verdict and the run time's, once each`, () => {
      const text = dmaplan(['check', file])
      expect(text.status, text.stdout + text.stderr).toBe(row.check.status)
      if (row.check.stdout) expect(text.stdout).toMatch(row.check.stdout)
      else expect(text.stdout).toBe('')
      // One mistake, one diagnostic: a sentence the compiler said is not said again by the run time.
      expect(text.stderr === '' ? 0 : text.stderr.trimEnd().split('\n').length).toBe(row.check.cause !== undefined ? 1 : 0)
      const json = dmaplan(['check', '--json', file])
      expect(json.status).toBe(row.check.status)
      const doc = JSON.parse(json.stdout) as { files: { file: string; violations: { where: string }[]; error?: { where: string; cause: string; message: string } }[] }
      expect(doc.files).toHaveLength(1)
      expect(doc.files[0]?.error?.cause).toBe(row.check.cause)
      if (row.check.cause !== undefined) expect(doc.files[0]?.error?.where).toMatch(/:\d+:\d+$/)
      expect(doc.files[0]?.violations.length ?? 0).toBe(row.check.stdout ? 1 : 0)
    })
  }
  it('a platform without iommu takes the kernel\'s default and simulates', () => {
    const file = join(dir, 'no-iommu.ts')
    writeFileSync(file, plan({}).replace("platform({ kernel: '7.0', iommu: { mode: 'translated' } })", "platform({ kernel: '7.0' })"))
    const r = dmaplan(['simulate', file])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/translating IOMMU \(granule 4 KiB, lazy\)/)
  })
})
