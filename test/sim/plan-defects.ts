/**
 * What counts as a defect a plan causes, for the properties that simulate
 * what the rules accept: a DATA, MAP, LEAK, DMA or DMAR finding that
 * nothing about placement explains. A map that fails because of where
 * memory or the pool landed is the platform's answer, reported as the
 * kernel reports it: dma-direct overflow (K-R6), an unreachable or full
 * swiotlb (K-S9, K-S8), no bounce buffers for an untrusted device (K-R13),
 * memory beyond the device's mask (src/sim/run/placement.ts).
 */
import type { Plan } from '../../src/plan/ir.js'
import type { KernelChangeId } from '../../src/plan/kernel-changes.js'
import { KERNEL_CHANGES, KERNEL_CHANGE_IDS } from '../../src/plan/kernel-changes.js'
import type { SimResult } from '../../src/sim/index.js'
import type { Machine } from '../../src/sim/run/machine.js'
import { placementReason } from '../../src/sim/run/placement.js'

/** The kernel as intended: every bug the model reproduces switched off (each has its own test). */
export const NO_QUIRKS: Partial<Record<KernelChangeId, boolean>> = Object.fromEntries(
  KERNEL_CHANGE_IDS.filter((id) => 'quirk' in KERNEL_CHANGES[id]).map((id) => [id, false]),
)

const PLACEMENT = new Set(['K-R6', 'K-S8', 'K-S9', 'K-R13'])
const DEFECTS = new Set(['DATA', 'MAP', 'LEAK', 'DMA', 'DMAR'])

/** The transactions whose failures placement explains, and the findings nothing explains. */
export function planDefects(plan: Plan, result: SimResult, machine: Machine): { placed: ReadonlySet<string | undefined>; defects: SimResult['findings'] } {
  const beyondMask = plan.steps.flatMap((s) =>
    s.op === 'map' && placementReason(machine, s.strategy, s.regions.map((n) => machine.regions.get(n)).filter((r) => r !== undefined)) !== undefined ? [s.tx] : [],
  )
  const placed = new Set<string | undefined>([...result.findings.filter((f) => PLACEMENT.has(f.id)).map((f) => f.tx), ...beyondMask])
  return { placed, defects: result.findings.filter((f) => DEFECTS.has(f.id) && !placed.has(f.tx)) }
}
