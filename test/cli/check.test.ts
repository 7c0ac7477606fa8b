/** dmaplan check: file:line:col rule sentence, exit 0 / 1 / 2. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { dmaplan, nodeWithStripping } from '../support/cli.js'
import { markers } from '../support/fixtures.js'
import { needTools } from '../support/tools.js'

const tmp = mkdtempSync(join(tmpdir(), 'dmaplan-check-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A plan whose R6 the compiler cannot see (the header's length is a number); line 8 is the offending call. */
function runtimePlan(): string {
  const file = join(tmp, 'runtime.ts')
  writeFileSync(
    file,
    [
      "import { platform } from 'dmaplan'",
      "const host = platform({ kernel: '7.0', iommu: { mode: 'translated' } })",
      "const nic = host.device('nic', { dmaMask: 64 })",
      'const n: number = Number(process.env.HDR ?? 128)',
      "const hdr = host.ram('hdr', { bytes: n })",
      "const buf = host.ram('buf', { pages: 1 })",
      'export default host.plan(nic)',
      "  .transaction('t', { strategy: 'iova', dir: 'to-device' }, [hdr, buf])",
      "  .unmap('t')",
      '  .build()',
      '',
    ].join('\n'),
  )
  return file
}

describe('dmaplan check', () => {
  it('passes every example (exit 0, no output)', () => {
    const r = dmaplan(['check', 'examples/rdma-mr.ts', 'examples/nvme-blk.ts', 'examples/hmm-odp.ts', 'examples/gpu-direct.ts', 'examples/coco-bounce.ts', 'examples/sg-coalesce.ts', 'examples/auto-dispatch.ts'])
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('')
    expect(r.status).toBe(0)
  })

  it('reports each invalid example once, at its marker, as file:line:col rule sentence (exit 1)', () => {
    for (const file of ['r1-iova-without-iommu', 'r3-bus-address-in-iova', 'r6-magic-coalescing', 'r8-double-unmap']) {
      const path = `examples/invalid/${file}.ts`
      const [marker] = markers(path)
      const r = dmaplan(['check', path])
      expect(r.status, r.stderr).toBe(1)
      const lines = r.stdout.trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(new RegExp(`^${path.replace(/\./g, '\\.')}:${marker?.line}:\\d+ ${marker?.rule} \\S`))
    }
  })

  it('reports rules the compiler could not see at the call that broke them', () => {
    const r = dmaplan(['check', runtimePlan()])
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/runtime\.ts:8:\d+ R6 hdr ends off the 4096-byte IOMMU granule/)
  })

  it('loads .ts plans with jiti under DMAPLAN_LOADER=jiti', () => {
    const viaJiti = dmaplan(['check', runtimePlan()], { env: { DMAPLAN_LOADER: 'jiti' } })
    expect(viaJiti.status).toBe(1)
    expect(viaJiti.stdout).toMatch(/runtime\.ts:8:\d+ R6 /)
  })

  it('locates JSON plan violations at the step', () => {
    const file = join(tmp, 'plan.json')
    writeFileSync(
      file,
      JSON.stringify(
        {
          format: 'dmaplan.plan/v1',
          name: 'p',
          platform: { iommu: { mode: 'none' } },
          device: 'd',
          devices: [{ name: 'd' }],
          regions: [{ name: 'buf', memory: 'ram', bytes: '0x1000' }],
          steps: [
            { op: 'map', tx: 't', strategy: 'iova', dir: 'to-device', regions: ['buf'] },
            { op: 'unmap', tx: 't' },
          ],
        },
        null,
        2,
      ),
    )
    const r = dmaplan(['check', file])
    expect(r.status).toBe(1)
    expect(r.stdout.trim()).toMatch(/plan\.json:\d+:\d+ R1 strategy iova needs a translating IOMMU/)
    expect(dmaplan(['check', file, '--json']).stdout).toMatch(/"rule": "R1"/)
  })

  it('answers bad input with one sentence and exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['check'], /check needs at least one plan file/],
      [['check', 'missing.ts'], /missing\.ts: no such file/],
      [['check', 'examples'], /examples is a directory/],
      [['check', '--bogus', 'x.ts'], /unknown or malformed option --bogus/],
      [['frobnicate'], /unknown verb frobnicate/],
    ]
    for (const [args, message] of cases) {
      const r = dmaplan(args)
      expect(r.status, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
    const empty = join(tmp, 'empty.json')
    writeFileSync(empty, '')
    expect(dmaplan(['check', empty]).stderr).toMatch(/empty\.json is empty/)
    const broken = join(tmp, 'broken.ts')
    writeFileSync(broken, "import { platform } from 'dmaplan'\nexport default platform({ iommu: { mode: 'none' } ).plan(\n")
    const r = dmaplan(['check', broken])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/broken\.ts.*syntax error/)
  })
})

const stripping = nodeWithStripping()
const suite = 'dmaplan check on a Node with its own type stripping'
if (needTools('test/cli/check.test.ts', suite, stripping ? [] : ['a Node with type stripping (npm run setup:node-stripping)']) && stripping) {
  describe(suite, () => {
    it('loads .ts plans with it, columns intact', () => {
      const native = dmaplan(['check', runtimePlan()], { node: stripping })
      expect(native.status, native.stderr).toBe(1)
      // Stripping keeps every column: the violation is at hdr among the regions of line 8, where the compiler marks R6.
      const column = "  .transaction('t', { strategy: 'iova', dir: 'to-device' }, [hdr, buf])".indexOf('hdr') + 1
      expect(native.stdout).toMatch(new RegExp(`runtime\\.ts:8:${column} R6 hdr ends off`))
    })
  })
}
