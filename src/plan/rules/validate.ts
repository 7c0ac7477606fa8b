/**
 * The rules at run time, for plans whose facts the type checker could not
 * see (numbers that are not literals, plans loaded from JSON). It walks the
 * steps with the same state the builder types carry (walk.ts) and asks each
 * rule's file for its check. Per region it reports the first rule broken, in
 * the order the type-level check tests them, so both worlds name the same rule.
 */
import type { DeviceIR, MapStep, Plan, RegionIR, Step, Strategy } from '../ir.js'
import type { KernelFeature } from '../kernel-changes.js'
import { deviceByName, granuleAlignment, regionByName, resolveKind } from '../topology.js'
import { unreachable } from '../unreachable.js'
import { deviceBySteps } from '../driver-steps.js'
import type { RuleId } from './registry.js'
import type { Finding } from './finding.js'
import { checkIovaNeedsIommu } from './r1-iova-needs-iommu.js'
import { checkCoherentHost, checkMixedKinds } from './r2-one-memory-kind.js'
import { checkBusAddress } from './r3-bus-address-p2p.js'
import { checkUnreachable } from './r4-unreachable-p2p.js'
import { checkEncrypted, checkHmmDevice } from './r5-encrypted-bounces.js'
import { checkBouncedFirstRange, checkHmmGranule, checkInteriorGranule } from './r6-iova-granule.js'
import { checkCpuRead, checkDeviceAccess, checkHmmDirection } from './r7-direction-ownership.js'
import { checkHmmTx, checkInTx, checkLiveTx, checkMaskChange, checkNewTx, checkNotUnlinked, checkSyncRegion, checkUnlink, checkUnmappedAtEnd } from './r8-lifecycle.js'
import { checkAttrs, checkHostBridgeMmio, checkStrategyFeature } from './r9-kernel-features.js'
import { checkBlkOneWay } from './r10-blk-one-way.js'
import { checkCoherentOwnRegion } from './r11-coherent-own-region.js'
import { checkBlkQueueLimits } from './r12-blk-queue-limits.js'
import { regionVerdict } from './verdicts.js'
import { descriptor, DESCRIPTORS } from '../../strategies/index.js'
import type { MappedRegion, TxState } from './walk.js'
import { RegionSet } from './walk.js'
import type { MemoryKind, SyncReason } from './words.js'

export interface Violation {
  /** The rule that found it, set where it was found. */
  readonly rule: RuleId
  /** The rule's sentence, the same the type-level check speaks (it starts with the rule id). */
  readonly text: string
  /** Index of the offending step; the plan's length for what is wrong at its end. */
  readonly step: number
  /** Where the step's builder call was written (or the plan's build(), for what is wrong at its end). */
  readonly at?: string
  /** The step's op, or 'build' for what is wrong at the plan's end: the builder call `at` names. */
  readonly op: Step['op'] | 'build'
  /**
   * The argument of that call the type-level check marks, as a path: an
   * argument's index, then a property's name or an element's index inside it
   * (`[2, 1]`: the second region; `[1, 'strategy']`). Absent: the call itself.
   */
  readonly focus?: ArgumentPath
}

/** A path into a builder call's arguments (Violation.focus). */
export type ArgumentPath = readonly (number | string)[]

/** Where each part of a step is written among its builder call's arguments (src/dsl/builder.ts). */
const TX_ARG: ArgumentPath = [0]
const REGION_ARG: ArgumentPath = [1]
const STRATEGY: ArgumentPath = [1, 'strategy']
const regionAt = (index: number): ArgumentPath => [2, index]
const attrAt = (index: number): ArgumentPath => [1, 'attrs', index]

type Found = Finding<RuleId> | undefined
type Report = (found: Found, focus?: ArgumentPath) => void

/** The kernel API each strategy needs (iova's own sentences come first, above). */
const STRATEGY_FEATURE: Partial<Record<Strategy, KernelFeature>> = Object.fromEntries(DESCRIPTORS.flatMap((d) => ('feature' in d ? [[d.name, d.feature]] : [])))

/**
 * A region's checks in the order of the type-level check: its memory kind
 * under the strategy (one verdict of regionVerdict(), so at most one of the
 * first five speaks), then the other regions of a uniform transaction (R2),
 * then the IOVA granule (R6), then the other transactions of the region (R11),
 * then the block queue's limits (R12, which only the run time checks).
 */
const REGION_CHECKS: readonly ((at: MappedRegion) => Found)[] = [
  checkUnreachable,
  checkBusAddress,
  checkEncrypted,
  checkCoherentHost,
  checkHostBridgeMmio,
  checkMixedKinds,
  checkInteriorGranule,
  // The types decide host-bridge P2P memory and a literal mask of 0 (BouncedVerdict); what another mask keeps of an offset only the run time knows.
  checkBouncedFirstRange,
  checkCoherentOwnRegion,
  // Run time only: the region types do not carry the offsets it reads.
  checkBlkQueueLimits,
]

interface Walk {
  readonly plan: Plan
  readonly client: DeviceIR
  /** The client as each step finds it, its driver steps before it applied (driver-steps.ts). */
  readonly devices: readonly DeviceIR[]
  readonly txs: Map<string, TxState>
  /** The transactions mapped so far that map each region (a transaction's name is never mapped twice): a step on a region looks at these, not at every transaction. */
  readonly byRegion: Map<string, TxState[]>
}

/** `built`: where the plan's build() was written, for what is wrong at its end (a transaction still mapped). */
export function validatePlan(plan: Plan, built?: string): Violation[] {
  const out: Violation[] = []
  const client = deviceByName(plan, plan.device)
  const walk: Walk = { plan, client, devices: deviceBySteps(plan, client), txs: new Map(), byRegion: new Map() }
  plan.steps.forEach((step, index) => {
    const report: Report = (found, focus) => {
      if (found !== undefined) out.push({ rule: found.rule, text: found.text, step: index, op: step.op, ...(step.at ? { at: step.at } : {}), ...(focus ? { focus } : {}) })
    }
    checkStep(walk, step, index, report)
  })
  for (const tx of walk.txs.values()) {
    const found = checkUnmappedAtEnd(tx, walk.client)
    const at = built ?? tx.map.at
    if (found !== undefined) out.push({ rule: found.rule, text: found.text, step: plan.steps.length, op: 'build', ...(at ? { at } : {}) })
  }
  return out
}

function checkStep(walk: Walk, step: Step, index: number, report: Report): void {
  switch (step.op) {
    case 'set-dma-mask':
      return report(checkMaskChange(walk.txs.values(), walk.client), [0])
    case 'wait':
    // The segment limits decide where a mapping lands and how it is cut, not whether the plan may make it.
    case 'set-segment-boundary':
    case 'set-max-segment-size':
    case 'set-min-align-mask':
      return
    case 'cpu-read':
    case 'cpu-write':
      return checkCpuAccess(walk, step.op, step.region, report)
    case 'map': {
      const duplicate = checkNewTx(walk.txs.get(step.tx), step.tx, walk.client)
      if (duplicate !== undefined) return report(duplicate, TX_ARG)
      const sync = checkMap(walk, step, walk.devices[index] ?? walk.client, report)
      const tx: TxState = { map: step, step: index, live: true, kept: false, sync, deviceDirty: new RegionSet(), cpuDirty: new RegionSet(), unlinked: new RegionSet() }
      walk.txs.set(step.tx, tx)
      for (const region of step.regions.length > 1 ? new Set(step.regions) : step.regions) {
        const txs = walk.byRegion.get(region)
        if (txs === undefined) walk.byRegion.set(region, [tx])
        else txs.push(tx)
      }
      return
    }
    case 'device-read':
    case 'device-write': {
      const tx = liveTx(walk, step.tx, report)
      if (tx === undefined) return
      // The order of the builder's arguments: the transaction (R7 direction and ownership), then the region (R8).
      const unlinked = checkNotUnlinked(tx, step.region, walk.client, 'the device no longer reaches it through that transaction')
      if (unlinked !== undefined) return report(unlinked, REGION_ARG)
      const access = checkDeviceAccess(tx, step.op, step.region, walk.client)
      if (access !== undefined) return report(access, TX_ARG)
      const member = checkInTx(tx, step.region, walk.client)
      if (member !== undefined) return report(member, REGION_ARG)
      if (step.op === 'device-write' && tx.sync) tx.deviceDirty.add(step.region)
      return
    }
    case 'sync-for-cpu':
    case 'sync-for-device': {
      const tx = liveTx(walk, step.tx, report)
      if (tx === undefined) return
      const found = checkSyncRegion(tx, step.region, walk.client)
      if (found !== undefined) return report(found, REGION_ARG)
      return clear(step.op === 'sync-for-cpu' ? tx.deviceDirty : tx.cpuDirty, step.region)
    }
    case 'hmm-fault':
    case 'hmm-invalidate': {
      const tx = liveTx(walk, step.tx, report)
      if (tx !== undefined) report(checkHmmTx(tx, walk.client), TX_ARG)
      return
    }
    case 'unlink': {
      const tx = liveTx(walk, step.tx, report)
      if (tx === undefined) return
      const found = checkUnlink(tx, step.region, walk.client)
      // Only an iova transaction unlinks (the transaction's fault); otherwise the region is not, or no longer, in it.
      if (found !== undefined) return report(found, tx.map.strategy === 'iova' ? REGION_ARG : TX_ARG)
      // dma_iova_unlink() syncs for the CPU what it unlinks: the CPU owns the region again.
      tx.unlinked.add(step.region)
      tx.deviceDirty.delete(step.region)
      tx.cpuDirty.delete(step.region)
      return
    }
    case 'unmap': {
      const tx = liveTx(walk, step.tx, report)
      if (tx !== undefined) tx.live = false
      return
    }
    case 'keep': {
      const tx = liveTx(walk, step.tx, report)
      if (tx !== undefined) tx.kept = true
      return
    }
    default:
      return unreachable(step)
  }
}

/** The transaction a step names, if it is mapped and not unmapped yet (R8 reports it otherwise). */
function liveTx(walk: Walk, name: string, report: Report): TxState | undefined {
  const tx = walk.txs.get(name)
  const found = checkLiveTx(tx, name, walk.client)
  if (found !== undefined) {
    report(found, TX_ARG)
    return undefined
  }
  return tx
}

function clear(set: RegionSet, region: string | undefined): void {
  if (region === undefined) set.clear()
  else set.delete(region)
}

function checkCpuAccess(walk: Walk, op: 'cpu-read' | 'cpu-write', region: string, report: Report): void {
  for (const tx of walk.byRegion.get(region) ?? []) {
    if (!tx.live || tx.sync === undefined || tx.unlinked.has(region)) continue
    if (op === 'cpu-write') tx.cpuDirty.add(region)
    else report(checkCpuRead(tx, region, walk.client), [0])
  }
}

/** Checks a map step, of `client` as this step finds it; returns why CPU and device views differ until a sync, if they do. */
function checkMap(walk: Walk, step: MapStep, client: DeviceIR, report: Report): SyncReason | undefined {
  const { plan } = walk
  const { platform } = plan
  // In the order of the type-level check: the strategy (R1, R9, R5, R6), its direction (R7, R10), the attributes (R9), the regions.
  report(checkIovaNeedsIommu(step, client, platform) ?? checkStrategyFeature(step, STRATEGY_FEATURE[step.strategy], client, platform) ?? checkHmmDevice(step, client, platform) ?? checkHmmGranule(step, client, platform), STRATEGY)
  // The type level marks a direction hmm cannot take, and a blk transaction both ways, at the strategy.
  for (const found of [checkHmmDirection(step, client), checkBlkOneWay(step, client)]) report(found, STRATEGY)
  // Each attribute at its own position, as the type level judges them.
  step.attrs.forEach((attr, index) => {
    for (const found of checkAttrs({ ...step, attrs: [attr] }, client, platform)) report(found, attrAt(index))
  })
  const regions = step.regions.map((name) => regionByName(plan, name))
  const kinds = regions.map((r) => resolveKind(plan, r, client).kind)
  regions.forEach((region, index) => {
    const kind = kinds[index] as MemoryKind
    const verdict = regionVerdict(step.strategy, kind, platform, client)
    const at: MappedRegion = { plan, client, step, regions, kinds, index, region, kind, verdict, earlier: walk.byRegion.get(region.name) ?? [] }
    for (const check of REGION_CHECKS) {
      const found = check(at)
      if (found !== undefined) return report(found, regionAt(index))
    }
  })
  return syncReason(plan, client, step, regions, kinds)
}

/**
 * Whether the CPU's and the device's views of the transaction differ until a
 * sync: every bounce (forced swiotlb, private guest memory, an untrusted
 * device's sub-granule buffer behind the IOMMU) and every non-coherent device.
 * Coherent allocations and bus-address P2P never need one.
 */
function syncReason(plan: Plan, client: DeviceIR, step: MapStep, regions: readonly RegionIR[], kinds: readonly MemoryKind[]): SyncReason | undefined {
  const d = descriptor(step.strategy)
  // A strategy that takes bus-address memory only (its host memory verdict is 'bus-only') never bounces.
  if (d.allocates || d.verdicts.normal === 'bus-only') return undefined
  const { platform } = plan
  const bounces = regions.some((r, i) => {
    const kind = kinds[i]
    if (kind === 'encrypted') return true
    if (kind !== 'normal') return false
    if (platform.swiotlb.force && platform.iommu.mode !== 'translated') return true
    if (!client.trusted && platform.iommu.mode === 'translated') {
      const a = granuleAlignment(r, platform.iommu.granule)
      return !a.head || !a.tail
    }
    return false
  })
  if (bounces) return 'bounced'
  if (!client.coherent && kinds.some((k) => k === 'normal' || k === 'encrypted')) return 'non-coherent'
  return undefined
}
