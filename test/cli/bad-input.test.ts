/**
 * Bad input gets one sentence that names the file and the problem, exit
 * status 2, and never a stack trace: sixty-five malformed inputs.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { dmaplan } from '../support/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'dmaplan-bad-'))
mkdirSync(join(dir, 'a-directory.json'))

const valid = {
  format: 'dmaplan.plan/v1',
  name: 'p',
  platform: { iommu: { mode: 'translated' } },
  device: 'd',
  devices: [{ name: 'd', dmaMask: 64 }],
  regions: [{ name: 'buf', memory: 'ram', bytes: '0x2000' }],
  steps: [
    { op: 'map', tx: 't', strategy: 'page', dir: 'to-device', regions: ['buf'] },
    { op: 'unmap', tx: 't' },
  ],
}
type Json = Record<string, unknown>
const edit = (f: (p: Json) => void): string => {
  const p = structuredClone(valid) as Json
  f(p)
  return JSON.stringify(p)
}
const at = (p: Json, path: string): Json => path.split('.').reduce((o, k) => o[k] as Json, p)

const header = "import { platform } from 'dmaplan'\n"
const files: Record<string, string> = {
  'empty.json': '',
  'blank.json': '  \n\t\n',
  'syntax.json': '{"format": "dmaplan.plan/v1",',
  'array.json': '[]',
  'null.json': 'null',
  'string.json': '"a plan"',
  'number.json': '42',
  'trailing-comma.json': '{"format": "dmaplan.plan/v1",}',
  'garbage.json': '\u0000\u0001\u0002\u00ff\u00fe binary',
  'wrong-format.json': edit((p) => (p.format = 'dmaplan.plan/v9')),
  'no-platform.json': edit((p) => delete p.platform),
  'bad-iommu.json': edit((p) => (at(p, 'platform').iommu = { mode: 'smmu' })),
  'bad-kernel.json': edit((p) => (at(p, 'platform').kernel = '5.4')),
  'bad-granule.json': edit((p) => (at(p, 'platform').iommu = { mode: 'translated', granule: 8192 })),
  'bad-strategy.json': edit((p) => ((p.steps as Json[])[0] as Json).strategy = 'magic'),
  'bad-dir.json': edit((p) => ((p.steps as Json[])[0] as Json).dir = 'sideways'),
  'negative.json': edit((p) => ((p.regions as Json[])[0] as Json).bytes = -4096),
  'fraction.json': edit((p) => ((p.regions as Json[])[0] as Json).bytes = 4096.5),
  'past-2-53.json': edit((p) => ((p.regions as Json[])[0] as Json).bytes = 2 ** 60),
  'past-2-64-hex.json': edit((p) => ((p.regions as Json[])[0] as Json).phys = '0x10000000000000000'),
  'past-2-64-dec.json': edit((p) => ((p.regions as Json[])[0] as Json).bytes = '18446744073709551616'),
  'not-hex.json': edit((p) => ((p.regions as Json[])[0] as Json).bytes = '0xZZ'),
  'zero-bytes.json': edit((p) => ((p.regions as Json[])[0] as Json).bytes = '0x0'),
  'injection.json': edit((p) => (((p.regions as Json[])[0] as Json).name = 'buf; system("rm -rf /")')),
  'duplicate-region.json': edit((p) => (p.regions as Json[]).push({ name: 'buf', memory: 'ram', bytes: '0x1000' })),
  'unknown-region.json': edit((p) => ((p.steps as Json[])[0] as Json).regions = ['nope']),
  'unknown-device.json': edit((p) => (p.device = 'other')),
  'unknown-switch.json': edit((p) => ((p.devices as Json[])[0] as Json).at = 'sw9'),
  'mask-65.json': edit((p) => ((p.devices as Json[])[0] as Json).dmaMask = 65),
  'offset-4096.json': edit((p) => (((p.regions as Json[])[0] as Json).offset = '0x1000')),
  'phys-offset.json': edit((p) => Object.assign((p.regions as Json[])[0] as Json, { phys: '0x10000040', offset: '0x80' })),
  'access-past-end.json': edit((p) => (p.steps as Json[]).splice(1, 0, { op: 'device-read', tx: 't', region: 'buf', offset: '0x3000' })),
  'p2p-no-provider.json': edit((p) => (p.regions as Json[]).push({ name: 'v', memory: 'p2p', bytes: '0x1000' })),
  'extra-property.json': edit((p) => (p.colour = 'blue')),
  'hmm-index.json': edit((p) => {
    ;(p.steps as Json[])[0] = { op: 'map', tx: 't', strategy: 'hmm', dir: 'bidirectional', regions: ['buf'] }
    ;(p.steps as Json[]).splice(1, 0, { op: 'hmm-fault', tx: 't', index: 99 })
  }),
  'syntax.ts': `${header}export default platform({ iommu: { mode: 'none' } ).plan(\n`,
  'throws.ts': `${header}throw new Error('the lab is closed')\n`,
  'exports-nothing.ts': `${header}const host = platform({ iommu: { mode: 'none' } })\n`,
  'exports-number.ts': 'export default 42\n',
  'exports-builder.ts': `${header}const host = platform({ iommu: { mode: 'none' } })\nexport default host.plan(host.device('d'))\n`,
  'missing-import.ts': "import { nothing } from './not-there.js'\nexport default nothing\n",
  'plan.txt': 'not a plan',
  'calls-exit.ts': `${header}process.exit(0)\n`,
  'nested-deep.json': `{"steps":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
  // Names reach C and TypeScript only as identifiers: anything else is refused before any output.
  'name-quote.json': edit((p) => (((p.regions as Json[])[0] as Json).name = 'buf"')),
  'name-backslash.json': edit((p) => (((p.regions as Json[])[0] as Json).name = 'buf\\')),
  'name-newline.json': edit((p) => (p.name = 'p\n#include <evil.h>')),
  'name-comment-close.json': edit((p) => (((p.devices as Json[])[0] as Json).name = 'd*/')),
  'name-define.json': edit((p) => (p.name = '#define p 1')),
  'name-unicode.json': edit((p) => (((p.steps as Json[])[0] as Json).tx = 'tränsaction')),
  'number-past-double.json': edit((p) => ((p.regions as Json[])[0] as Json).bytes = 'REPLACE').replace('"REPLACE"', '1e400'),
  'duplicate-key.json': edit(() => undefined).replace('"name":"p"', '"name":"p","name":"q"'),
  'missing-package.ts': "import { plan } from 'no-such-dmaplan-package'\nexport default plan\n",
}
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
writeFileSync(join(dir, 'ok.json'), JSON.stringify(valid))

const cases: [string, string[], RegExp][] = [
  ...Object.keys(files).map((name): [string, string[], RegExp] => [name, ['simulate', join(dir, name)], new RegExp(name.replace(/\./g, '\\.'))]),
  ['missing .ts file', ['simulate', join(dir, 'absent.ts')], /absent\.ts: no such file/],
  ['missing .json file', ['check', join(dir, 'absent.json')], /absent\.json: no such file/],
  ['a directory', ['simulate', join(dir, 'a-directory.json')], /a-directory\.json is a directory/],
  ['unknown flag', ['simulate', '--colour', join(dir, 'x.json')], /unknown or malformed option --colour/],
  ['unknown verb', ['frobnicate'], /unknown verb frobnicate/],
  ['no verb', [], /no verb given/],
  ['two plans to simulate', ['simulate', 'a.json', 'b.json'], /simulate takes one plan file/],
  ['fail at call zero', ['simulate', '--fail-at-call', '0', join(dir, 'x.json')], /--fail-at-call takes a call number from 1 up, not 0/],
  ['an option without its value', ['simulate', join(dir, 'x.json'), '--fail-at-call'], /malformed option --fail-at-call|option --fail-at-call/],
  // Node's recursive mkdir retries for ever where a file system refuses new entries with ENOENT.
  ['gen --out where nothing can be made', ['gen', join(dir, 'ok.json'), '--out', '/proc/dmaplan-out'], /\/proc\/dmaplan-out cannot be made \(ENOENT\)/],
  ['gen --out below a file', ['gen', join(dir, 'ok.json'), '--out', join(dir, 'plan.txt', 'sub')], /plan\.txt is a file, not a directory/],
  ['init where nothing can be made', ['init', '/proc/dmaplan-init'], /\/proc\/dmaplan-init cannot be made \(ENOENT\)/],
]

describe('bad input', () => {
  it('has sixty-five cases', () => {
    expect(cases.length).toBe(65)
  })
  for (const [what, args, message] of cases) {
    it(`${what}: one sentence, exit 2`, () => {
      const r = dmaplan(args)
      expect(r.status, `${what}\n${r.stdout}${r.stderr}`).toBe(2)
      expect(r.stdout).toBe('')
      const lines = r.stderr.trimEnd().split('\n')
      expect(lines, r.stderr).toHaveLength(1)
      expect(lines[0]).toMatch(/^dmaplan: /)
      expect(lines[0]).toMatch(message)
      expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+\)?$/m)
    })
  }

  it('a plan that never settles: one sentence after the time limit, not a silent exit 13', () => {
    const file = join(dir, 'never-settles.ts')
    writeFileSync(file, `${header}await new Promise(() => {})\nexport default 1\n`)
    // A temporary directory of its own: the stripped copy of the plan, whose import never ends, must not be left there.
    const tmp = mkdtempSync(join(tmpdir(), 'dmaplan-bad-tmp-'))
    const r = dmaplan(['simulate', file], { env: { DMAPLAN_PLAN_TIMEOUT_MS: '1000', TMPDIR: tmp } })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^dmaplan: .*never-settles\.ts did not finish building its plan in 1 s \(a top-level await that never settles\?\)\n$/)
    expect(readdirSync(tmp)).toEqual([])
    rmSync(tmp, { recursive: true })
  })

  // A timer cannot fire while a loop holds the thread: the plan's copy runs under V8's watchdog (import-ts.ts).
  it('a plan that loops for ever: check gives its type errors, then one sentence after the time limit; no copy left', () => {
    const file = join(dir, 'loops-for-ever.ts')
    writeFileSync(file, `${header}const n: number = 'four'\nfor (;;) {}\n`)
    const tmp = mkdtempSync(join(tmpdir(), 'dmaplan-bad-tmp-'))
    const r = dmaplan(['check', file], { env: { DMAPLAN_PLAN_TIMEOUT_MS: '1000', TMPDIR: tmp }, timeoutMs: 60_000 })
    expect(r.status, r.stderr).toBe(2)
    expect(r.stdout).toMatch(/loops-for-ever\.ts:2:7 TS2322/)
    expect(r.stderr).toMatch(/^dmaplan: .*loops-for-ever\.ts did not finish building its plan in 1 s \(a loop that never ends\?\)\n$/)
    expect(readdirSync(tmp)).toEqual([])
    rmSync(tmp, { recursive: true })
  })

  it('check of a plan that calls process.exit(0): its type errors, then the sentence, exit 2', () => {
    const file = join(dir, 'exits-after-a-type-error.ts')
    writeFileSync(file, `${header}const n: number = 'four'\nprocess.exit(0)\n`)
    const r = dmaplan(['check', file])
    expect(r.status).toBe(2)
    expect(r.stdout).toMatch(/exits-after-a-type-error\.ts:2:7 TS2322/)
    expect(r.stderr).toMatch(/calls process\.exit\(0\) while it builds its plan/)
  })
})
