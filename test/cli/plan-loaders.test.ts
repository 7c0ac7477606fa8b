/**
 * The two ways a .ts plan runs: stripped in the CLI's own thread from a copy
 * (the usual plan, which imports only 'dmaplan'), or through the module hooks
 * from where it lives (a plan that imports its own modules or reads
 * import.meta). Both must give the plan the same behaviour and locations.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { selfContained } from '../../src/cli/import-ts.js'
import { dmaplan } from '../support/cli.js'
import { ROOT } from '../support/fixtures.js'

const tmp = mkdtempSync(join(tmpdir(), 'dmaplan-loaders-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('which plans run from a copy', () => {
  it("takes a module whose imports are 'dmaplan', its subpaths and Node's built-ins", () => {
    expect(selfContained('import { platform } from "dmaplan";\nimport { readFileSync } from "node:fs";\nimport "dmaplan/plan";\nexport default 1;')).toBe(true)
    // A string that looks like a specifier is not an import.
    expect(selfContained('export default host.plan(nic, { name: "nvme_read" });')).toBe(true)
  })

  it('leaves a module that imports its own files, a package, at run time, or reads import.meta to the hooks', () => {
    expect(selfContained('import { PAGES } from "./pages.ts";')).toBe(false)
    expect(selfContained('export { PAGES } from "../pages.js";')).toBe(false)
    expect(selfContained('import lodash from "lodash";')).toBe(false)
    expect(selfContained('const m = await import("dmaplan");')).toBe(false)
    expect(selfContained('const here = import.meta.url;')).toBe(false)
  })
})

describe('a plan run either way (by the built command line: a test worker loads modules its own way)', () => {
  /** The plan's JSON as `dmaplan plan` prints it. */
  const planJson = (file: string) => {
    const r = dmaplan(['plan', file, '--json'])
    expect(r.status, r.stderr).toBe(0)
    return JSON.parse(r.stdout) as { regions: { bytes: string }[] }
  }

  it('reads a file beside it through import.meta.url (the hooks run it where it lives)', () => {
    const dir = mkdtempSync(join(tmp, 'meta-'))
    writeFileSync(join(dir, 'pages.json'), '{ "pages": 3 }\n')
    const file = join(dir, 'plan.ts')
    writeFileSync(
      file,
      [
        "import { readFileSync } from 'node:fs'",
        "import { platform } from 'dmaplan'",
        "const { pages } = JSON.parse(readFileSync(new URL('./pages.json', import.meta.url), 'utf8')) as { pages: number }",
        "const host = platform({ kernel: '7.0', iommu: { mode: 'none' } })",
        "const nic = host.device('nic0', { dmaMask: 64 })",
        "const buf = host.ram('buf', { pages })",
        "export default host.plan(nic, { name: 'meta' }).transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf]).unmap('tx').build()",
        '',
      ].join('\n'),
    )
    expect(BigInt(planJson(file).regions[0]?.bytes ?? 0)).toBe(3n * 4096n)
  })

  it('builds the same plan from a copy as through the hooks', () => {
    const file = join(ROOT, 'examples', 'nvme-blk.ts')
    const hooked = join(mkdtempSync(join(tmp, 'hooked-')), 'plan.ts')
    // The same plan with an import only the hooks resolve.
    writeFileSync(join(hooked, '..', 'extra.ts'), 'export const EXTRA: number = 0\n')
    writeFileSync(hooked, `import { EXTRA } from './extra.ts'\n${readFileSync(file, 'utf8')}\nvoid EXTRA\n`)
    expect(planJson(hooked)).toEqual(planJson(file))
  })

  it('puts a throw in the plan at its own line and column, from a copy as through the hooks', () => {
    const dir = mkdtempSync(join(tmp, 'throw-'))
    writeFileSync(join(dir, 'extra.ts'), 'export const EXTRA: number = 0\n')
    const body = "const n: number = 1\nvoid platform\n  throw new Error(`broken ${n}`)\n"
    writeFileSync(join(dir, 'copy.ts'), `import { platform } from 'dmaplan'\n${body}`)
    writeFileSync(join(dir, 'hooked.ts'), `import { platform } from 'dmaplan'; import './extra.ts'\n${body}`)
    for (const name of ['copy', 'hooked']) {
      const r = dmaplan(['simulate', join(dir, `${name}.ts`)])
      expect(r.status).toBe(2)
      expect(r.stderr).toBe(`dmaplan: ${join(dir, name)}.ts:4:9 threw while building its plan: broken 1\n`)
    }
  })
})
