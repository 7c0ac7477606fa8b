/** dmaplan gen: files written atomically into an empty directory, no code for a broken rule, sim-ts that simulate runs unchanged. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { dmaplan } from '../support/cli.js'

const tmp = mkdtempSync(join(tmpdir(), 'dmaplan-gen-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('dmaplan gen', () => {
  it('writes a kbuild module directory', () => {
    const out = join(tmp, 'module')
    const r = dmaplan(['gen', 'examples/nvme-blk.ts', '--out', out])
    expect(r.status, r.stderr).toBe(0)
    expect(readdirSync(out).sort()).toEqual(['Kbuild', 'Makefile', 'dmaplan_compat.h', 'dmaplan_upstream.h', 'nvme_read.c'])
    expect(readFileSync(join(out, 'nvme_read.c'), 'utf8')).toMatch(/blk_rq_dma_map_iter_start/)
    expect(readdirSync(out).some((f) => f.endsWith('.tmp'))).toBe(false)
  })

  it('never writes over what exists without --force', () => {
    const out = join(tmp, 'taken')
    mkdirSync(out)
    writeFileSync(join(out, 'mine.c'), 'int mine;')
    const r = dmaplan(['gen', 'examples/nvme-blk.ts', '--out', out])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/taken is not empty; add --force to write over it/)
    expect(readdirSync(out)).toEqual(['mine.c'])
    expect(dmaplan(['gen', 'examples/nvme-blk.ts', '--out', out, '--force']).status).toBe(0)
    expect(readFileSync(join(out, 'mine.c'), 'utf8')).toBe('int mine;')
  })

  it('produces no code for a plan that breaks a rule, only the sentence', () => {
    const out = join(tmp, 'refused')
    const r = dmaplan(['gen', 'examples/nvme-blk.ts', '--out', out, '--kernel', '6.12'])
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/R9 strategy blk for nvme0 needs kernel 6\.17 or later, but this plan targets 6\.12\./)
    expect(existsSync(out)).toBe(false)
    expect(dmaplan(['gen', 'examples/invalid/r3-bus-address-in-iova.ts', '--out', out]).stdout).toMatch(/R3 vram is P2P memory/)
    expect(existsSync(out)).toBe(false)
  })

  it('writes the plan as a TypeScript module that simulate runs unchanged', () => {
    const out = join(tmp, 'sim-ts')
    expect(dmaplan(['gen', 'examples/hmm-odp.ts', '--out', out, '--target', 'sim-ts']).status).toBe(0)
    const original = dmaplan(['simulate', 'examples/hmm-odp.ts', '--json'])
    const regenerated = dmaplan(['simulate', join(out, 'odp_mirror.ts'), '--json'])
    expect(regenerated.status).toBe(0)
    expect(JSON.parse(regenerated.stdout)).toEqual(JSON.parse(original.stdout))
  })

  it('refuses bad options with one sentence', () => {
    for (const [args, message] of [
      [['gen', 'examples/nvme-blk.ts'], /gen needs --out DIR/],
      [['gen', 'examples/nvme-blk.ts', '--out', join(tmp, 'x'), '--target', 'rust'], /--target is one of module, harness, pseudo, sim-ts, not rust/],
      [['gen', 'examples/nvme-blk.ts', '--out', join(tmp, 'x'), '--strategy', 'fast'], /--strategy is one of/],
      [['gen', 'examples/nvme-blk.ts', '--out', join(tmp, 'x'), '--kernel', '5.4'], /--kernel is one of 6\.12, 6\.13, 6\.14, 6\.15, 6\.16, 6\.17, 6\.18, 6\.19, 7\.0, 7\.1, 7\.2, 7\.3, not 5\.4/],
      [['gen', 'examples/nvme-blk.ts', '--out', join(tmp, 'module', 'Kbuild')], /is a file; --out takes a directory/],
    ] as const) {
      const r = dmaplan(args)
      expect(r.status, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(message)
    }
  })
})
