/**
 * dmaplan init: the project it writes type-checks with its TypeScript, and
 * tsserver (TypeScript 6, by the protocol an editor speaks) loads the plugin
 * its tsconfig names and shows a rule's diagnostic sentence first. A second
 * init refuses to write over the first.
 */
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { dmaplan } from '../support/cli.js'
import { ROOT } from '../support/fixtures.js'

/** The project's node_modules as npm install makes it, with dmaplan from this checkout. */
function installed(dir: string): void {
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(ROOT, join(dir, 'node_modules', 'dmaplan'))
  symlinkSync(join(ROOT, 'node_modules', 'typescript'), join(dir, 'node_modules', 'typescript'))
}

/** tsserver's answer to semanticDiagnosticsSync for a file, by the editor protocol. */
async function tsserverDiagnostics(dir: string, file: string): Promise<string[]> {
  // tsserver looks for plugins beside its own real path; here typescript is a symlink to this
  // checkout's, so --allowLocalPluginLoads points it at the project's node_modules, where an
  // installed typescript sits.
  const server = spawn(process.execPath, [join(dir, 'node_modules/typescript/lib/tsserver.js'), '--disableAutomaticTypingAcquisition', '--allowLocalPluginLoads'], { cwd: dir })
  let buffer = ''
  const answer = new Promise<string[]>((done, fail) => {
    server.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8')
      for (const m of buffer.matchAll(/^\{.*\}$/gm)) {
        const msg = JSON.parse(m[0]) as { type: string; request_seq?: number; body?: Array<{ text: string }> }
        if (msg.type === 'response' && msg.request_seq === 2) done((msg.body ?? []).map((d) => d.text))
      }
    })
    server.on('error', fail)
  })
  const send = (seq: number, command: string, args: object) => server.stdin.write(`${JSON.stringify({ seq, type: 'request', command, arguments: args })}\n`)
  send(1, 'open', { file, projectRootPath: dir })
  send(2, 'semanticDiagnosticsSync', { file })
  try {
    return await answer
  } finally {
    server.kill()
  }
}

describe('dmaplan init', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'dmaplan-init-')), 'plans-project')

  it('writes a project whose plan type-checks, with the plugin enabled', () => {
    const r = dmaplan(['init', dir])
    expect(r.status).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe(`dmaplan init: wrote ${['package.json', 'tsconfig.json', 'plans/rdma-mr.ts', 'README.md'].map((f) => join(dir, f)).join(', ')}`)
    const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; devDependencies: { typescript: string } }
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies: object; devDependencies: object }
    expect(pkg.dependencies).toEqual({ dmaplan: `^${own.version}` })
    expect(pkg.devDependencies).toEqual({ typescript: own.devDependencies.typescript })
    const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')) as { compilerOptions: { plugins: object } }
    expect(tsconfig.compilerOptions.plugins).toEqual([{ name: 'dmaplan/plugin' }])
    expect(readFileSync(join(dir, 'plans/rdma-mr.ts'), 'utf8')).toBe(readFileSync(join(ROOT, 'examples/rdma-mr.ts'), 'utf8'))
    installed(dir)
    const tsc = spawnSync(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' })
    expect(tsc.stdout).toBe('')
    expect(tsc.status).toBe(0)
  })

  it('refuses to write over an existing project', () => {
    const r = dmaplan(['init', dir])
    expect(r.status).toBe(2)
    expect(r.stderr).toBe(`dmaplan: ${join(dir, 'package.json')} exists; init writes a new project and never over a file\n`)
  })

  it("tsserver loads dmaplan/plugin from the project's tsconfig", async () => {
    const bad = join(dir, 'plans', 'r6.ts')
    cpSync(join(ROOT, 'examples/invalid/r6-magic-coalescing.ts'), bad)
    const texts = await tsserverDiagnostics(dir, bad)
    expect(texts).toEqual([expect.stringMatching(/^R6: hdr starts off the 4096-byte IOMMU granule/)])
  })
})
