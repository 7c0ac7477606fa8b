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
import { beforeAll, describe, expect, it } from 'vitest'
import { compileAndRun } from './agreement-cases.js'
import type { Outcome } from './agreement-cases.js'

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
let outcomes: Outcome[] = []

beforeAll(async () => {
  outcomes = await compileAndRun('p2p', all.map((c) => c.code))
}, 300_000)

describe('the P2P route', () => {
  it('is the same at type level and at run time on every case', () => {
    // The type level's rule is the one its first diagnostic's sentence starts with.
    const rules = outcomes.map((o) => ({ types: o.typeLevel === null ? null : (o.typeLevel.match(/\b(R\d+): /)?.[1] ?? o.typeLevel), runTime: o.runTime?.rule ?? null }))
    const disagree = all.flatMap((c, i) => (rules[i]?.types === rules[i]?.runTime ? [] : [`${c.what}: types ${rules[i]?.types ?? 'accept'}, run time ${rules[i]?.runTime ?? 'accepts'}`]))
    console.log(`p2p route: ${all.length} cases, ${disagree.length} disagreements`)
    expect(disagree).toEqual([])
  })

  it('reaches each of the three kinds', () => {
    const kinds = new Set(outcomes.map((o) => o.runTime?.rule ?? 'bus address'))
    expect([...kinds].sort()).toEqual(['R3', 'R4', 'bus address'])
  })
})
