/**
 * Outputs are never half-written: `gen --force` over an older tree and
 * `simulate --html FILE --force` over an older page are killed (SIGTERM,
 * SIGINT) at delays spread over their whole run; each time the output is
 * entirely the old one or entirely the new one, and no temporary file is
 * left. An interrupt during the final renames takes effect after them. An
 * import, which writes as it reads, ends at once and removes its files. A
 * run killed while its plan's module runs leaves the plan's stripped copy,
 * which the next run removes.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { dmaplan } from '../support/cli.js'
import { ROOT } from '../support/fixtures.js'

const tmp = mkdtempSync(join(tmpdir(), 'dmaplan-interrupt-'))
const plan = join(ROOT, 'examples', 'nvme-blk.ts')

/** Every file under dir, by relative path, with its contents. */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) Object.assign(out, tree(path, `${prefix}${name}/`))
    else out[`${prefix}${name}`] = readFileSync(path, 'utf8')
  }
  return out
}

/** Runs the command line and sends signal after ms; resolves with how it ended. */
function killedAfter(args: readonly string[], ms: number, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'dmaplan.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill(signal), ms)
    child.on('exit', (code, sig) => {
      clearTimeout(timer)
      done({ code, signal: sig, stderr })
    })
  })
}

/** Runs the command line and sends SIGTERM the moment a file whose name starts with prefix appears in dir: a write starting. */
function killedWhenWriting(args: readonly string[], dir: string, prefix: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'dmaplan.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const watcher = watch(dir, (_, name) => {
      if (String(name).startsWith(prefix)) {
        child.kill('SIGTERM')
        watcher.close()
      }
    })
    child.on('exit', (code) => {
      watcher.close()
      done({ code, stderr })
    })
  })
}

/** The delays: from before the output is started to after the run has ended, on this machine's own timing. */
function delays(args: readonly string[], n: number): number[] {
  const start = process.hrtime.bigint()
  expect(dmaplan(args).status).toBe(0)
  const whole = Number(process.hrtime.bigint() - start) / 1e6
  return Array.from({ length: n }, (_, i) => Math.round(whole * (0.3 + (1.7 * i) / (n - 1))))
}

describe('an interrupted run leaves the old output or the new one', () => {
  it('gen --force over an older tree: all old or all new, no temporary file', async () => {
    const dir = join(tmp, 'gen')
    const old = ['gen', plan, '--out', dir, '--strategy', 'iova', '--force']
    const fresh = ['gen', plan, '--out', dir, '--force']
    expect(dmaplan(fresh).status).toBe(0)
    const newTree = tree(dir)
    rmSync(dir, { recursive: true })
    expect(dmaplan(old).status).toBe(0)
    const oldTree = tree(dir)
    expect(oldTree).not.toEqual(newTree)
    const seen = { old: 0, new: 0 }
    for (const [i, ms] of delays(fresh, 8).entries()) {
      expect(dmaplan(old).status).toBe(0)
      const r = await killedAfter(fresh, ms, i % 2 === 0 ? 'SIGTERM' : 'SIGINT')
      const now = tree(dir)
      const which = JSON.stringify(now) === JSON.stringify(oldTree) ? 'old' : JSON.stringify(now) === JSON.stringify(newTree) ? 'new' : 'a mix'
      expect(which, `killed after ${ms} ms (${JSON.stringify(r)}): ${Object.keys(now).join(', ')}`).not.toBe('a mix')
      seen[which as 'old' | 'new']++
      // Interrupted while writing: one sentence and the signal's status.
      if (r.code !== 0 && r.signal === null) expect(r.stderr).toMatch(/^dmaplan: interrupted by SIG(TERM|INT); no output was left half-written\n$/)
    }
    // The delays span the run: some kills came before the new tree, some after.
    expect(seen, JSON.stringify(seen)).toEqual({ old: expect.any(Number), new: expect.any(Number) })
    expect(Math.min(seen.old, seen.new), JSON.stringify(seen)).toBeGreaterThan(0)
  }, 120_000)

  it('gen --force killed the moment it starts writing: exit 143 with one sentence, the old tree, no staging directory', async () => {
    const dir = join(tmp, 'watched')
    const old = ['gen', plan, '--out', dir, '--strategy', 'iova']
    expect(dmaplan(old).status).toBe(0)
    const oldTree = tree(dir)
    for (let i = 0; i < 5; i++) {
      // The staging directory appearing is the write starting.
      const r = await killedWhenWriting(['gen', plan, '--out', dir, '--force'], dir, '.dmaplan-')
      expect(r).toEqual({ code: 143, stderr: 'dmaplan: interrupted by SIGTERM; no output was left half-written\n' })
      expect(tree(dir)).toEqual(oldTree)
    }
  }, 120_000)

  it('simulate --html --force over an older page: the old page or the new one, no temporary file', async () => {
    const dir = join(tmp, 'html')
    const page = join(dir, 'report.html')
    const other = join(ROOT, 'examples', 'rdma-mr.ts')
    expect(dmaplan(['simulate', plan, '--html', join(tmp, 'new.html')]).status).toBe(0)
    const fresh = readFileSync(join(tmp, 'new.html'), 'utf8')
    expect(dmaplan(['simulate', other, '--html', page]).status).toBe(0)
    const old = readFileSync(page, 'utf8')
    const args = ['simulate', plan, '--html', page, '--force']
    for (const ms of delays(args, 5)) {
      expect(dmaplan(['simulate', other, '--html', page, '--force']).status).toBe(0)
      await killedAfter(args, ms, 'SIGTERM')
      expect([old, fresh]).toContain(readFileSync(page, 'utf8'))
      expect(readdirSync(dir)).toEqual(['report.html'])
    }
  }, 120_000)

  it('import --out killed while it writes its temporary files: exit 143, nothing left beside the target', async () => {
    const dir = join(tmp, 'import')
    mkdirSync(dir)
    const trace = join(tmp, 'dma.trace')
    // A driver's traffic, long enough that the import is still writing when the signal comes.
    const line = (t: number, event: string, fields: string) => `          kworker-77      [001] .....  ${(1 + t * 1e-6).toFixed(6)}: ${event}: 0000:00:04.0 ${fields}\n`
    const lines: string[] = []
    for (let i = 0; i < 200_000; i++) {
      const dma = (0xfff00000 - (i % 256) * 0x1000).toString(16)
      const phys = (0x1000000 + (i % 4096) * 0x1000).toString(16)
      lines.push(line(2 * i, 'dma_map_phys', `dir=TO_DEVICE dma_addr=${dma} size=4096 phys_addr=${phys} attrs=`), line(2 * i + 1, 'dma_unmap_phys', `dir=TO_DEVICE dma_addr=${dma} size=4096 attrs=`))
    }
    writeFileSync(trace, lines.join(''))
    const args = ['import', trace, '--platform', 'vtd-strict', '--kernel', '7.3', '--out', join(dir, 'plan.json')]
    const r = await killedWhenWriting(args, dir, '.dmaplan-import-')
    expect(r).toEqual({ code: 143, stderr: 'dmaplan: interrupted by SIGTERM; no output was left half-written\n' })
    expect(readdirSync(dir)).toEqual([])
  }, 120_000)

  it('a run killed while its plan runs leaves its stripped copy; the next run removes it, and nothing of a live process', async () => {
    const own = join(tmp, 'tmpdir')
    mkdirSync(own)
    const looping = join(tmp, 'loops.ts')
    writeFileSync(looping, "import { platform } from 'dmaplan'\nfor (;;) {}\nexport default platform\n")
    const code = await new Promise<number | null>((done) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'dmaplan.js'), 'simulate', looping], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, TMPDIR: own } })
      // No handler can run while the plan holds the thread: the signal ends the process as it would any.
      const watcher = watch(own, (_, name) => {
        if (String(name).startsWith('dmaplan-plan-')) {
          child.kill('SIGTERM')
          watcher.close()
        }
      })
      child.on('exit', (c, signal) => {
        watcher.close()
        done(c ?? (signal === 'SIGTERM' ? 143 : -1))
      })
    })
    expect(code).toBe(143)
    expect(readdirSync(own)).toEqual([expect.stringMatching(/^dmaplan-plan-\d+-1-loops\.mjs$/)])
    // A live process's file (this test's own pid) is not an orphan.
    const live = `dmaplan-plan-${process.pid}-1-live.mjs`
    writeFileSync(join(own, live), '')
    expect(dmaplan(['simulate', plan], { env: { TMPDIR: own } }).status).toBe(0)
    expect(readdirSync(own)).toEqual([live])
  }, 60_000)
})
