/**
 * A conformance run's own trace through `dmaplan import` (src/import): the
 * run's dma events become a plan, which the simulator runs on the set-up's
 * platform; every DMA address it predicts must be the one the kernel gave
 * (no TRACE-ADDR), and the traffic must have no defect.
 *
 * Only where the trace holds the whole story: behind VT-d strict (a lazy
 * domain's reuse depends on the flush queue's timing, which a trace does
 * not record; without translation a bounce depends on where the boot put
 * the swiotlb pool, which a trace does not say either), with strategies
 * whose every call is traced (page, sg, coherent: the IOVA API, HMM and the
 * block iterators have no events), without P2P memory, and for a device
 * with the default segment limits (64 KiB, a 4 GiB boundary): a driver's
 * dma_set_max_seg_size() and dma_set_seg_boundary() leave no event, and the
 * importer takes the defaults.
 */
import { TraceImporter } from '../../../src/import/to-plan.js'
import type { PlatformName } from '../../../src/import/platforms.js'
import type { KernelLine } from '../../support/kernels.js'
import { simulate } from '../../../src/sim/index.js'
import type { ScenarioRun } from './run.js'
import type { ReferencePlatformName } from './qemu.js'
import { planFor } from './scenario.js'
import { isDriverStep } from '../../../src/plan/driver-steps.js'

const SETUPS: Partial<Record<ReferencePlatformName, PlatformName>> = { 'vtd-strict': 'vtd-strict' }
const TRACED = new Set(['page', 'sg', 'coherent'])

/** Why a run's trace cannot be held to the kernel's addresses; undefined when it can. */
export function notImportable(r: ScenarioRun, kernel: KernelLine): string | undefined {
  const s = r.scenario
  if (SETUPS[s.platform] === undefined) return `set-up ${s.platform}`
  const plan = planFor(s, kernel.release)
  const untraced = plan.steps.flatMap((x) => (x.op === 'map' && !TRACED.has(x.strategy) ? [x.strategy] : []))
  if (untraced.length > 0) return `strategy ${untraced[0]}`
  if (plan.regions.some((x) => x.memory === 'p2p')) return 'P2P memory'
  const dev = plan.devices.find((d) => d.name === plan.device)
  if (dev !== undefined && (dev.maxSegmentSize !== 0x10000 || dev.segmentBoundary !== 0xffffffffn)) return 'segment limits set by the driver'
  // dma_set_*() have no trace event: an import cannot know what the driver changed.
  if (plan.steps.some(isDriverStep)) return 'driver steps, which no trace event records'
  return undefined
}

/** What the import of a run's trace and its simulation say against the kernel, in words; nothing when they agree. */
export function importedDisagreements(r: ScenarioRun, kernel: KernelLine): string[] {
  const name = `${r.scenario.plan.name} (${r.scenario.platform}), imported`
  const platform = SETUPS[r.scenario.platform]
  if (platform === undefined) return [`${name}: set-up ${r.scenario.platform} is not importable`]
  const im = new TraceImporter({ platform, kernel: kernel.release, file: `${r.scenario.plan.name}.trace`, name: r.scenario.plan.name })
  for (const line of r.lines) if (line.startsWith('dmaplan-trace: ')) im.push(line.slice('dmaplan-trace: '.length))
  const { plan, summary } = im.finish()
  const result = simulate(plan, { changes: kernel.changes })
  return [
    ...summary.defects.map((d) => `${name}: ${d}`),
    ...(summary.mappings === 0 ? [`${name}: the trace holds no mapping`] : []),
    ...result.findings.filter((f) => f.id === 'TRACE-ADDR').map((f) => `${name}: ${f.message}`),
  ]
}
