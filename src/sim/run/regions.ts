/**
 * What the runner knows of each region: where it sits, what it is for the
 * plan's device (the P2P map type comes from the same topology rules the
 * plan checker uses), and whether its memory is private to a confidential
 * guest.
 */
import type { MemoryKind } from '../../plan/rules/messages.js'
import type { DeviceIR, Plan, RegionIR } from '../../plan/ir.js'
import { resolveKind } from '../../plan/topology.js'
import { PAGE_SIZE_N } from '../consts.js'
import type { Layout } from '../mem/layout.js'

export interface RegionInfo {
  readonly ir: RegionIR
  readonly name: string
  readonly phys: bigint
  readonly bytes: bigint
  readonly kind: MemoryKind
  /** 4 KiB pages the region touches (what HMM mirrors). */
  readonly pages: number
}

export function regionInfos(plan: Plan, layout: Layout, client: DeviceIR): Map<string, RegionInfo> {
  const out = new Map<string, RegionInfo>()
  for (const r of plan.regions) {
    const phys = layout.regions.get(r.name)?.phys ?? 0n
    out.set(r.name, {
      ir: r,
      name: r.name,
      phys,
      bytes: r.bytes,
      kind: resolveKind(plan, r, client).kind,
      pages: Number(((phys % PAGE_SIZE_N) + r.bytes + PAGE_SIZE_N - 1n) / PAGE_SIZE_N),
    })
  }
  return out
}
