/** dmaplan simulate: the readable summary, --json against the committed schema, fault injection and exit statuses. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { simResultSchema } from '../../src/sim/index.js'
import { dmaplan } from '../support/cli.js'
import { ROOT } from '../support/fixtures.js'
import { which } from '../support/tools.js'

const tmp = mkdtempSync(join(tmpdir(), 'dmaplan-sim-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('dmaplan simulate', () => {
  it('prints the summary of a clean plan and exits 0', () => {
    const r = dmaplan(['simulate', 'examples/sg-coalesce.ts'])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^dmaplan simulate: plan sg_e1 on Linux 6\.12: OK/)
    // docs/kernel-behaviour.md E1: one segment at X+0x200, 0x2600 bytes long.
    expect(r.stdout).toMatch(/device scatter-gather list \(1 entry\):\n\s+0x[0-9a-f]+200\s+len 0x2600/)
  })

  it('writes JSON that the result schema accepts', () => {
    const r = dmaplan(['simulate', 'examples/rdma-mr.ts', '--json'])
    expect(r.status).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(simResultSchema.safeParse(json).success).toBe(true)
    expect(JSON.parse(readFileSync(join(ROOT, 'schema', 'sim-result.schema.json'), 'utf8')).$id).toMatch(/sim-result/)
  })

  it("sends what a plan's code prints to standard error: --json stays one JSON document, for simulate and check", () => {
    const file = join(tmp, 'noisy.ts')
    writeFileSync(file, readFileSync(join(ROOT, 'examples', 'rdma-mr.ts'), 'utf8').replace('export default', "console.log('hello from the plan')\nexport default"))
    for (const verb of ['simulate', 'check']) {
      const r = dmaplan([verb, file, '--json'])
      expect(r.status, r.stderr).toBe(0)
      expect(() => JSON.parse(r.stdout)).not.toThrow()
      expect(r.stderr).toContain('hello from the plan')
    }
  })

  it('runs a plan written with syntax that needs more than erasing types (an enum, a parameter property) and a .ts import, whichever loader runs it', () => {
    const dir = mkdtempSync(join(tmp, 'syntax-'))
    writeFileSync(join(dir, 'pages.ts'), 'export const PAGES: number = 2\n')
    const plan = join(dir, 'plan.ts')
    writeFileSync(
      plan,
      [
        "import { platform } from 'dmaplan'",
        "import { PAGES } from './pages.ts'",
        "enum Kind { Data = 'data' }",
        'class Buffer { constructor(readonly name: string, readonly pages: number) {} }',
        "const host = platform({ kernel: '7.0', iommu: { mode: 'none' } })",
        "const nic = host.device('nic0', { dmaMask: 64 })",
        'const spec = new Buffer(Kind.Data, PAGES)',
        'const buf = host.ram(spec.name, { pages: spec.pages })',
        "export default host.plan(nic, { name: 'syntax' }).transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf]).cpuWrites(buf).unmap('tx').build()",
        '',
      ].join('\n'),
    )
    const loaders: Record<string, string>[] = [{}, { DMAPLAN_LOADER: 'jiti' }]
    for (const env of loaders) {
      const r = dmaplan(['simulate', plan], { env })
      expect(r.stderr, JSON.stringify(env)).toBe('')
      expect(r.status).toBe(0)
      expect(r.stdout).toMatch(/^dmaplan simulate: plan syntax on Linux 7\.0: OK\n/)
      expect(r.stdout).toMatch(/region data: normal at 0x[0-9a-f]+ \(8 KiB/)
    }
  })

  it('exits 1 when the simulation finds a defect (an injected failure that the strategy must unwind)', () => {
    const r = dmaplan(['simulate', 'examples/nvme-blk.ts', '--fail-at-call', '2'])
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/injected/)
    expect(r.stdout).toMatch(/nothing left mapped/)
  })

  it('exits 1 when an address-limited device cannot reach its memory', () => {
    const file = join(tmp, 'limited.json')
    writeFileSync(
      file,
      JSON.stringify({
        format: 'dmaplan.plan/v1',
        name: 'limited',
        platform: { kernel: '6.12', iommu: { mode: 'passthrough' }, ramBytes: '0x100000000' },
        device: 'edu',
        devices: [{ name: 'edu', dmaMask: 28 }],
        regions: [{ name: 'buf', memory: 'ram', bytes: '0x1000', phys: '0x13f91000' }],
        steps: [
          { op: 'map', tx: 't', strategy: 'page', dir: 'to-device', regions: ['buf'] },
          { op: 'device-read', tx: 't', region: 'buf' },
          { op: 'unmap', tx: 't' },
        ],
      }),
    )
    const r = dmaplan(['simulate', file])
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/overflow \(mask fffffff, bus limit 0\)/)
  })

  it('shows progress on a terminal for a simulation that takes more than a second, and nothing when piped', () => {
    const steps: object[] = [{ op: 'map', tx: 't', strategy: 'iova', dir: 'bidirectional', regions: ['big'] }]
    for (let i = 0; i < 3; i++) steps.push({ op: 'device-write', tx: 't', region: 'big' }, { op: 'cpu-read', region: 'big' })
    steps.push({ op: 'unmap', tx: 't' })
    const file = join(tmp, 'big.json')
    writeFileSync(
      file,
      JSON.stringify({ format: 'dmaplan.plan/v1', name: 'big', platform: { iommu: { mode: 'translated' } }, device: 'd', devices: [{ name: 'd', dmaMask: 64 }], regions: [{ name: 'big', memory: 'ram', bytes: '0x4000000' }], steps }),
    )
    const piped = dmaplan(['simulate', file])
    expect(piped.status).toBe(0)
    expect(piped.stderr).toBe('')
    if (!which('script')) {
      console.log('skipped the terminal half: no script(1) to give the command a terminal')
      return
    }
    // script(1) gives the command a pseudo-terminal; its output is what the terminal shows.
    const tty = spawnSync('script', ['-qec', `${process.execPath} ${join(ROOT, 'bin', 'dmaplan.js')} simulate ${file} >/dev/null`, '/dev/null'], { encoding: 'utf8' })
    expect(tty.status).toBe(0)
    expect(tty.stdout).toMatch(/simulating .*big\.json +\d+% step \d+ of 8/)
  })

  it('writes the HTML report atomically, never over an existing file without --force', () => {
    const html = join(tmp, 'report.html')
    const r = dmaplan(['simulate', 'examples/rdma-mr.ts', '--html', html])
    expect(r.status).toBe(0)
    const page = readFileSync(html, 'utf8')
    expect(page).toMatch(/^<!doctype html>/i)
    expect(page).toMatch(/data-kind="segment"/)
    expect(page).not.toMatch(/https?:\/\//)
    const again = dmaplan(['simulate', 'examples/rdma-mr.ts', '--html', html])
    expect(again.status).toBe(2)
    expect(again.stderr).toMatch(/report\.html exists; add --force to overwrite it/)
    expect(dmaplan(['simulate', 'examples/rdma-mr.ts', '--html', html, '--force']).status).toBe(0)
  })

  it('refuses bad usage with one sentence and exit 2', () => {
    for (const [args, message] of [
      [['simulate'], /simulate takes one plan file/],
      [['simulate', 'examples/rdma-mr.ts', '--fail-at-call', 'x'], /--fail-at-call takes a call number/],
      [['simulate', 'nope.json'], /nope\.json: no such file/],
    ] as const) {
      const r = dmaplan(args)
      expect(r.status, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(message)
    }
  })
})
