/**
 * The plan a harness runs: the plan itself, plus the coherent buffer through
 * which edu's engine stages what the device reads and writes. It is part of
 * the plan, mapped first and unmapped last, so that a simulation of the same
 * plan sees the same allocations (the same IOVAs) as the kernel.
 */
import type { Plan } from '../../../plan/ir.js'
import { decodePlan, encodePlan } from '../../../plan/load.js'
import { DESCRIPTORS } from '../../../strategies/index.js'
import { CodegenError } from '../../errors.js'

/** Name of the scratch region and of the coherent transaction that allocates it. */
export const HARNESS_SCRATCH = 'scratch'

/**
 * What the harness can drive, on host RAM and on a peer's P2P memory (the
 * conformance set-ups' ivshmem BAR): strategies whose DMA view is their
 * buffers one after another (blk: the iterator's segments), and HMM, whose
 * view and segments go page by page.
 */
const DRIVEN: ReadonlySet<string> = new Set(DESCRIPTORS.filter((d) => d.harness).map((d) => d.name))

export function harnessPlan(plan: Plan): Plan {
  const issues: string[] = []
  if (plan.platform.coco) issues.push('the harness runs on QEMU without a confidential guest; the plan is for one')
  for (const s of plan.steps) {
    if (s.op === 'map' && !DRIVEN.has(s.strategy)) issues.push(`transaction ${s.tx} uses ${s.strategy}; the harness drives ${[...DRIVEN].join(', ')}`)
    if (s.op === 'map' && s.tx === HARNESS_SCRATCH) issues.push(`transaction ${HARNESS_SCRATCH} is the harness's own; rename it`)
  }
  if (plan.regions.some((r) => r.name === HARNESS_SCRATCH)) issues.push(`region ${HARNESS_SCRATCH} is the harness's own; rename it`)
  if (issues.length > 0) throw new CodegenError(issues)

  const json = encodePlan(plan)
  const decoded = decodePlan({
    ...json,
    regions: [...(json.regions ?? []), { name: HARNESS_SCRATCH, memory: 'ram', bytes: '0x1000' }],
    steps: [
      { op: 'map', tx: HARNESS_SCRATCH, strategy: 'coherent', dir: 'bidirectional', regions: [HARNESS_SCRATCH] },
      ...(json.steps ?? []),
      { op: 'unmap', tx: HARNESS_SCRATCH },
    ],
  })
  if (!decoded.ok) throw new Error(`the harness plan does not decode: ${decoded.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`)
  return decoded.plan
}
