/**
 * The P2P route (docs/memory-kinds.md) is decided twice, by the builder's
 * types (src/dsl/types/context.ts) and at run time (src/plan/topology.ts,
 * after drivers/pci/p2pdma.c calc_map_type_and_dist()); this test holds them
 * to each other on every case of a complete small domain: each PCI topology
 * of up to two switches (none, one, two siblings, one below the other), ACS
 * redirect on each switch or not, the host bridge on the P2P allow-list or
 * not, a confidential guest or not, the client at every location and PCI or
 * not, the provider at every location or the client's own BAR. The
 * transaction maps the provider's memory with p2p-bus, whose verdicts tell
 * the three kinds apart: bus address accepted, through the host bridge R3,
 * unreachable R4. All cases compile in one program and run from one module.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createJiti } from 'jiti'
import { Project, ts } from 'ts-morph'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PlanRuleError } from '../../src/dsl/errors.js'
import { ROOT } from '../support/fixtures.js'

interface Topology {
  readonly name: string
  /** Switch name and the switch it hangs below, if any. */
  readonly switches: readonly (readonly [string, string | undefined])[]
}

const TOPOLOGIES: readonly Topology[] = [
  { name: 'no switch', switches: [] },
  { name: 'one switch', switches: [['sw0', undefined]] },
  { name: 'two sibling switches', switches: [['sw0', undefined], ['sw1', undefined]] },
  { name: 'a switch below another', switches: [['sw0', undefined], ['sw1', 'sw0']] },
]

/** Every subset of a list. */
const subsets = <T>(xs: readonly T[]): T[][] => xs.reduce<T[][]>((acc, x) => [...acc, ...acc.map((s) => [...s, x])], [[]])

interface Case {
  readonly what: string
  readonly code: string
}

function cases(): Case[] {
  const out: Case[] = []
  for (const t of TOPOLOGIES) {
    const names = t.switches.map(([n]) => n)
    const locations = ['', ...names]
    for (const acs of subsets(names))
      for (const hostBridgeP2P of [false, true])
        for (const coco of [false, true])
          for (const clientAt of locations)
            for (const clientPci of [true, false])
              for (const providerAt of [...locations, 'own']) {
                // A device that is not on PCI sits at no port of it.
                if (!clientPci && clientAt !== '') continue
                if (!clientPci && providerAt === 'own') continue
                const switches = t.switches.map(([n, up]) => `${n}: { acsRedirect: ${acs.includes(n)}${up ? `, upstream: '${up}'` : ''} }`).join(', ')
                const platform = `platform({ kernel: '7.0', iommu: { mode: 'translated' }, coco: ${coco}, pci: { switches: { ${switches} }, hostBridgeP2P: ${hostBridgeP2P} } })`
                const at = (where: string) => (where === '' ? '' : `at: '${where}', `)
                const client = `h.device('nic0', { ${at(clientAt)}${clientPci ? '' : 'pci: false, '}${providerAt === 'own' ? 'p2pMemory: { bytes: 4096 }, ' : ''}dmaMask: 64 })`
                const provider = providerAt === 'own' ? 'nic' : `h.device('gpu0', { ${at(providerAt)}p2pMemory: { bytes: 4096 } })`
                const code = `{ const h = ${platform}; const nic = ${client}; const v = ${provider}.p2p('v', { pages: 1 }); return h.plan(nic).transaction('t', { strategy: 'p2p-bus', dir: 'to-device' }, [v]).unmap('t').build() }`
                const what = `${t.name}, ACS on [${acs.join(',')}], host bridge ${hostBridgeP2P ? 'allows' : 'refuses'} P2P, ${coco ? 'confidential guest' : 'host'}, client ${clientPci ? `at ${clientAt || 'root port'}` : 'not on PCI'}, provider ${providerAt === 'own' ? "the client's own BAR" : `at ${providerAt || 'root port'}`}`
                out.push({ what, code })
              }
  }
  return out
}

const all = cases()
const dir = mkdtempSync(join(ROOT, 'test/types/.agreement-p2p-'))
const file = join(dir, 'cases.ts')
// Line i + 2 holds case i: a diagnostic's line names its case.
writeFileSync(file, `import { platform } from 'dmaplan'\n${all.map((c, i) => `export const c${i} = () => ${c.code}`).join('\n')}\n`)

/** The rule the type level names for each case (the first diagnostic's), or null. */
const typeLevel: (string | null)[] = all.map(() => null)
/** The rule the run time names for each case, or null. */
const runTime: (string | null)[] = all.map(() => null)

beforeAll(async () => {
  const project = new Project({
    compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: ['node'] },
  })
  project.addSourceFileAtPath(file)
  for (const d of project.getPreEmitDiagnostics()) {
    const i = (d.getLineNumber() ?? 0) - 2
    const rule = ts.flattenDiagnosticMessageText(d.compilerObject.messageText, ' ').match(/\b(R\d+): /)?.[1] ?? `TS${d.getCode()}`
    if (i >= 0 && i < all.length) typeLevel[i] ??= rule
  }
  const mod = (await createJiti(join(ROOT, 'test'), { moduleCache: false }).import(file)) as Record<string, () => unknown>
  all.forEach((_, i) => {
    try {
      mod[`c${i}`]?.()
    } catch (e) {
      if (!(e instanceof Error) || e.name !== 'PlanRuleError') throw e
      runTime[i] = (e as PlanRuleError).violations[0]?.rule ?? null
    }
  })
}, 300_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the P2P route', () => {
  it('is the same at type level and at run time on every case', () => {
    const disagree = all.flatMap((c, i) => (typeLevel[i] === runTime[i] ? [] : [`${c.what}: types ${typeLevel[i] ?? 'accept'}, run time ${runTime[i] ?? 'accepts'}`]))
    console.log(`p2p route: ${all.length} cases, ${disagree.length} disagreements`)
    expect(disagree).toEqual([])
  })

  it('reaches each of the three kinds', () => {
    const kinds = new Set(runTime.map((r) => r ?? 'bus address'))
    expect([...kinds].sort()).toEqual(['R3', 'R4', 'bus address'])
  })
})
