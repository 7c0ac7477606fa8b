/**
 * A plan's IR written back as the DSL a plan author writes: platform() with
 * literal options, its devices and regions, and one builder chain from
 * plan() to build(), every value a string or number literal, so that the
 * type-level rules (src/dsl/types) can decide whatever the run time decides
 * from literals. The writer is the generator's own (the sim-ts target's
 * emitPlanModule()), so the tests that use this also hold that target to
 * the IR: its module must build the same plan, and type-check as the run
 * time decides.
 *
 * The body is plain JavaScript (no type syntax): the round trip runs it as
 * written (runPlanBody) and the type test compiles it as a .ts file
 * (planSource). Some IR has no DSL spelling (a granule or a lazy flush
 * without a translating IOMMU, fields only an imported trace sets, a
 * region no step names): such a plan is not written, and why is returned.
 */
import type { Plan, Step } from '../../src/plan/ir.js'
import { platform } from '../../src/dsl/platform.js'
import { emitPlanModule } from '../../src/codegen/targets/sim-ts/index.js'

export type Written = { readonly body: string } | { readonly unwritable: string }


/** Why the plan's IR has no DSL spelling, or undefined when it has one. */
function unwritable(plan: Plan): string | undefined {
  const { iommu } = plan.platform
  if (plan.observed !== undefined) return 'observations of a trace'
  if (iommu.mode !== 'translated') {
    if (iommu.granule !== 4096) return `granule ${iommu.granule} without a translating IOMMU`
    if (iommu.flush !== 'strict') return `${iommu.flush} flush without a translating IOMMU`
    if (iommu.addressWidth !== 48) return `address width ${iommu.addressWidth} without a translating IOMMU`
  }
  const client = plan.devices.find((d) => d.name === plan.device)
  if (client === undefined) return 'no device of its own'
  const providers = new Set(plan.regions.flatMap((r) => (r.provider === undefined ? [] : [r.provider])))
  for (const d of plan.devices) if (d !== client && !providers.has(d.name)) return `device ${d.name} provides no region of the plan`
  for (const r of plan.regions) {
    if (r.memory === 'ram' && r.encrypted !== plan.platform.coco) {
      if (r.encrypted) return `encrypted region ${r.name} outside a confidential guest`
    }
    if (r.memory === 'p2p' && r.encrypted) return `encrypted P2P region ${r.name}`
    if (r.phys !== undefined && r.offset !== r.phys % 4096n) return `region ${r.name}: offset ${r.offset} is not its physical address's`
    if (r.offset >= 4096n) return `region ${r.name}: offset ${r.offset} beyond a page`
  }
  // The builder lists regions in the order steps first name them.
  const order: string[] = []
  for (const s of plan.steps) for (const n of stepRegions(s)) if (!order.includes(n)) order.push(n)
  if (order.join() !== plan.regions.map((r) => r.name).join()) return `regions ${plan.regions.map((r) => r.name).join(',')} are not named by steps in that order (${order.join(',')})`
  for (const s of plan.steps) {
    if (s.op === 'map' && s.observed !== undefined) return 'a map observed in a trace'
    if (s.op === 'unmap' && s.inFqTimer !== undefined) return 'an unmap observed in a trace'
    if (s.op === 'wait' && s.fqTimer !== undefined) return 'a wait observed in a trace'
  }
  return undefined
}

function stepRegions(s: Step): readonly string[] {
  switch (s.op) {
    case 'map':
      return s.regions
    case 'device-read':
    case 'device-write':
    case 'cpu-read':
    case 'cpu-write':
    case 'unlink':
      return [s.region]
    case 'sync-for-cpu':
    case 'sync-for-device':
      return s.region === undefined ? [] : [s.region]
    default:
      return []
  }
}

/**
 * The plan as DSL statements that end by returning the built plan, with
 * `platform` in scope: the sim-ts target's module (the generator's own
 * writer of a plan as DSL) without its import, its default export returned;
 * or why it cannot be written.
 */
export function planBody(plan: Plan): Written {
  const why = unwritable(plan)
  if (why !== undefined) return { unwritable: why }
  const module = emitPlanModule(plan)
  const body = module.replace(/^\/\/.*\n/gm, '').replace(/^import \{ platform \} from ["']dmaplan["'];?\n/m, '').replace(/^export default /m, 'return ')
  if (body === module || /^\s*(import|export)\b/m.test(body)) throw new Error('the sim-ts module has another shape than this writer expects')
  return { body }
}

/** A .ts module of the plan: `export const plan = () => { body }`, importing platform from `from`. */
export function planSource(body: string, from = 'dmaplan'): string {
  return `import { platform } from '${from}'\nexport const plan = () => {\n${body}\n}\n`
}

/** Runs a written body as it is (it is plain JavaScript): the plan it builds, or what build() threw. */
export function runPlanBody(body: string): Plan {
  return new Function('platform', body)(platform) as Plan
}
