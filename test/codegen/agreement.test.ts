/**
 * The product's promise: the simulator and the generated C make the same
 * kernel calls. For every case the generator renders, every kernel function
 * the simulator has a transaction call must be called by the generated
 * driver (comments do not count).
 *
 * Three differences are deliberate and listed here:
 * - hmm_range_fault(): the simulator records it where a mirror of user
 *   memory would fill the pfn list; the generated driver mirrors memory it
 *   allocated itself and fills the list directly.
 * - syncs of P2P memory: the simulator syncs host-bridge P2P (MMIO)
 *   mappings when a plan asks; the C does not, because MMIO is never in a
 *   CPU cache nor bounced, and cache maintenance on it is wrong on
 *   non-coherent platforms (the C says so in a comment at that step).
 * - calls a kernel helper makes on the driver's behalf (recorded with the
 *   helper in args.via: the block iterator's dma_map_phys(), HMM's): the
 *   driver calls the helper.
 */
import { describe, expect, it } from 'vitest'
import { buildModel } from '../../src/codegen/build-model.js'
import { syncable } from '../../src/codegen/describe.js'
import { applyOverrides } from '../../src/codegen/overrides.js'
import { simulate } from '../../src/sim/index.js'
import { allCases, render, VARIANTS } from './cases.js'

const NOT_IN_C = new Set(['hmm_range_fault'])
const SYNCS = /^dma_sync_/

function code(c: string): string {
  return c.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '')
}

const cases = await allCases()

describe('the simulator and the generated C agree on the calls', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const missing: string[] = []
    for (const variant of VARIANTS) {
      const r = render(c, variant, 'module')
      if (!('files' in r)) continue
      const plan = applyOverrides(c.plan, { ...(variant !== 'plan' ? { strategy: variant } : {}), ...(c.kernel !== undefined ? { kernel: c.kernel } : {}) })
      const c99 = code(r.files.get(`${plan.name}.c`) ?? '')
      const sim = simulate(plan)
      const model = buildModel(plan)
      for (const t of sim.transactions) {
        // The C syncs transactions with host memory; at the others' sync steps it says why not.
        const p2pOnly = !model.txs.some((x) => x.name === t.name && x.slices.some(syncable))
        for (const call of t.calls) {
          if (NOT_IN_C.has(call.fn) || call.args.via !== undefined) continue
          if (SYNCS.test(call.fn) && p2pOnly) continue
          if (!new RegExp(`\\b${call.fn}\\(`).test(c99)) missing.push(`${variant}: ${t.name} (${t.strategy}) ${call.fn}`)
        }
      }
    }
    expect([...new Set(missing)]).toEqual([])
  }, 60_000)
})

describe('the pseudo rendering names the calls the C makes', () => {
  const API = /\b((?:dma|hmm|blk_rq|pci_p2pdma|sg)_\w+)\(/g
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const missing: string[] = []
    for (const variant of VARIANTS) {
      const pseudo = render(c, variant, 'pseudo')
      const module = render(c, variant, 'module')
      if (!('files' in pseudo) || !('files' in module)) continue
      const c99 = code(module.files.get(`${c.plan.name}.c`) ?? '')
      for (const text of pseudo.files.values())
        for (const [, fn] of text.matchAll(API)) if (fn !== undefined && !new RegExp(`\\b${fn}\\(`).test(c99)) missing.push(`${variant}: ${fn}`)
    }
    expect([...new Set(missing)]).toEqual([])
  })
})
