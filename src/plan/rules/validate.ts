/**
 * Rules R1-R10 at run time, for plans whose facts the type checker could not
 * see (numbers that are not literals, plans loaded from JSON). It walks the
 * steps with the same state the builder types carry and speaks the sentences
 * of messages.ts. Per region it reports the first rule broken, in the order
 * the type-level check tests them, so both worlds name the same rule.
 */
import type { DeviceIR, MapStep, Plan, RegionIR, Step, Strategy } from '../ir.js'
import { kernelAtLeast } from '../kernel.js'
import { KERNEL_FEATURES } from '../kernel-changes.js'
import type { KernelFeature } from '../kernel-changes.js'
import { deviceByName, granuleAlignment, regionByName, resolveKind } from '../topology.js'
import type { RuleId } from './registry.js'
import * as m from './messages.js'
import type { Finding } from './finding.js'
import { checkIovaNeedsIommu } from './r1-iova-needs-iommu.js'
import { checkHmmDevice } from './r5-encrypted-bounces.js'
import { checkHmmDirection } from './r7-direction-ownership.js'
import { checkAttrs } from './r9-kernel-features.js'
import { checkBlkOneWay } from './r10-blk-one-way.js'
import { KIND_VERDICTS, UNIFORM } from './verdicts.js'
import { DESCRIPTORS } from '../../strategies/index.js'
import type { KindVerdict } from './verdicts.js'
import type { MemoryKind, SyncReason } from './messages.js'

export interface Violation {
  /** The rule that found it, set where it was found. */
  readonly rule: RuleId
  /** The rule's sentence, the same the type-level check speaks (it starts with the rule id). */
  readonly text: string
  /** Index of the offending step; the plan's length for what is wrong at its end. */
  readonly step: number
  readonly at?: string
}

interface TxState {
  readonly map: MapStep
  readonly step: number
  live: boolean
  kept: boolean
  readonly sync: SyncReason | undefined
  /** Regions the device wrote that the CPU has not been handed back yet. */
  readonly deviceDirty: Set<string>
  /** Regions the CPU wrote that the device has not been handed yet. */
  readonly cpuDirty: Set<string>
  /** Regions taken out of the transaction's IOVA range (dma_iova_unlink). */
  readonly unlinked: Set<string>
}

const finding = (rule: RuleId, text: string): Finding<RuleId> => ({ rule, text })
type Report = (rule: RuleId, text: string) => void

/** The kernel API each strategy needs (iova's own sentences come first, above). */
const STRATEGY_FEATURE: Partial<Record<Strategy, KernelFeature>> = Object.fromEntries(DESCRIPTORS.flatMap((d) => ('feature' in d ? [[d.name, d.feature]] : [])))

export function validatePlan(plan: Plan): Violation[] {
  const out: Violation[] = []
  const client = deviceByName(plan, plan.device)
  const txs = new Map<string, TxState>()
  plan.steps.forEach((step, index) => {
    const report: Report = (rule, text) => out.push({ rule, text, step: index, ...(step.at ? { at: step.at } : {}) })
    checkStep(plan, client, txs, step, index, report)
  })
  for (const tx of txs.values()) {
    // A map a trace observed (an imported plan) still mapped when the trace ends is the simulation's finding, not the plan's fault.
    if (tx.live && !tx.kept && tx.map.observed === undefined) {
      const text = m.writeStillMappedMessage(tx.map.tx)
      out.push({ rule: 'R8', text, step: plan.steps.length, ...(tx.map.at ? { at: tx.map.at } : {}) })
    }
  }
  return out
}

function checkStep(
  plan: Plan,
  client: DeviceIR,
  txs: Map<string, TxState>,
  step: Step,
  index: number,
  report: Report,
): void {
  if (step.op === 'wait') return
  if (step.op === 'cpu-read' || step.op === 'cpu-write') return checkCpuAccess(txs, step.op, step.region, client, report)
  if (!('tx' in step)) return
  if (step.op === 'map') {
    if (txs.has(step.tx)) return report('R8', m.writeDuplicateTxMessage(step.tx))
    const sync = checkMap(plan, client, step, report)
    txs.set(step.tx, { map: step, step: index, live: true, kept: false, sync, deviceDirty: new Set(), cpuDirty: new Set(), unlinked: new Set() })
    return
  }
  const tx = txs.get(step.tx)
  if (tx === undefined) return report('R8', m.writeNotMappedMessage(step.tx))
  if (!tx.live) return report('R8', m.writeAlreadyUnmappedMessage(step.tx))
  switch (step.op) {
    case 'device-read':
    case 'device-write': {
      // The order of the builder's arguments: the transaction (R7 direction and ownership), then the region (R8).
      const member = tx.map.regions.includes(step.region)
      if (tx.unlinked.has(step.region)) return report('R8', m.writeUnlinkedMessage(step.region, step.tx, 'the device no longer reaches it through that transaction'))
      if (step.op === 'device-write') {
        if (tx.map.dir === 'to-device') return report('R7', m.writeDeviceWriteDirMessage(step.tx, tx.map.dir))
        if (!member) return report('R8', m.writeNotInTxMessage(step.region, step.tx))
        if (tx.sync) tx.deviceDirty.add(step.region)
      } else {
        if (tx.map.dir === 'from-device') return report('R7', m.writeDeviceReadDirMessage(step.tx, tx.map.dir))
        if (tx.sync && tx.cpuDirty.has(step.region)) return report('R7', m.writeSyncForDeviceMessage(step.region, step.tx, tx.sync, client.name))
        if (!member) return report('R8', m.writeNotInTxMessage(step.region, step.tx))
      }
      return
    }
    case 'sync-for-cpu':
    case 'sync-for-device':
      if (step.region !== undefined && !tx.map.regions.includes(step.region)) return report('R8', m.writeNotInTxMessage(step.region, step.tx))
      if (step.region !== undefined && tx.unlinked.has(step.region)) return report('R8', m.writeUnlinkedMessage(step.region, step.tx, 'there is nothing of it left to sync'))
      return clear(step.op === 'sync-for-cpu' ? tx.deviceDirty : tx.cpuDirty, step.region)
    case 'hmm-fault':
    case 'hmm-invalidate':
      if (tx.map.strategy !== 'hmm') report('R8', m.writeNotHmmMessage(step.tx, tx.map.strategy))
      return
    case 'unlink':
      if (tx.map.strategy !== 'iova') return report('R8', m.writeNotIovaUnlinkMessage(step.tx, tx.map.strategy))
      if (!tx.map.regions.includes(step.region)) return report('R8', m.writeNotInTxMessage(step.region, step.tx))
      if (tx.unlinked.has(step.region)) return report('R8', m.writeUnlinkedMessage(step.region, step.tx, 'it cannot be unlinked again'))
      // dma_iova_unlink() syncs for the CPU what it unlinks: the CPU owns the region again.
      tx.unlinked.add(step.region)
      tx.deviceDirty.delete(step.region)
      tx.cpuDirty.delete(step.region)
      return
    case 'unmap':
      tx.live = false
      return
    case 'keep':
      tx.kept = true
      return
  }
}

function clear(set: Set<string>, region: string | undefined): void {
  if (region === undefined) set.clear()
  else set.delete(region)
}

function checkCpuAccess(
  txs: Map<string, TxState>,
  op: 'cpu-read' | 'cpu-write',
  region: string,
  client: DeviceIR,
  report: Report,
): void {
  for (const tx of txs.values()) {
    if (!tx.live || tx.sync === undefined || !tx.map.regions.includes(region) || tx.unlinked.has(region)) continue
    if (op === 'cpu-write') tx.cpuDirty.add(region)
    else if (tx.deviceDirty.has(region)) report('R7', m.writeSyncForCpuMessage(region, tx.map.tx, tx.sync, client.name))
  }
}

/** Checks a map step; returns why CPU and device views differ until a sync, if they do. */
function checkMap(plan: Plan, client: DeviceIR, step: MapStep, report: Report): SyncReason | undefined {
  const { platform } = plan
  // In the order of the type-level check: the strategy (R1, R9, R5), its direction (R7, R10), the attributes (R9), the regions.
  const strategyFinding = strategyViolation(plan, client, step)
  if (strategyFinding !== undefined) report(strategyFinding.rule, strategyFinding.text)
  for (const found of [checkHmmDirection(step), checkBlkOneWay(step), ...checkAttrs(step, platform)])
    if (found !== undefined) report(found.rule, found.text)
  const regions = step.regions.map((name) => regionByName(plan, name))
  const kinds = regions.map((r) => resolveKind(plan, r, client).kind)
  regions.forEach((region, i) => {
    const found = regionViolation(plan, client, step, regions, kinds, i)
    if (found !== undefined) report(found.rule, found.text)
  })
  return syncReason(plan, client, step, regions, kinds)
}

/** The first rule the strategy breaks on this platform and device (R1, R9, R5). */
function strategyViolation(plan: Plan, client: DeviceIR, step: MapStep): Finding<RuleId> | undefined {
  const { kernel } = plan.platform
  const iova = checkIovaNeedsIommu(step, plan.platform)
  if (iova !== undefined) return iova
  const feature = STRATEGY_FEATURE[step.strategy]
  if (feature !== undefined && !kernelAtLeast(kernel, KERNEL_FEATURES[feature].since))
    return finding('R9', m.writeKernelFeatureMessage(`strategy ${step.strategy}`, KERNEL_FEATURES[feature].since, kernel))
  return checkHmmDevice(step, client, plan.platform)
}

/** The first rule region i breaks, in the order of the type-level check. */
function regionViolation(
  plan: Plan,
  client: DeviceIR,
  step: MapStep,
  regions: readonly RegionIR[],
  kinds: readonly MemoryKind[],
  i: number,
): Finding<RuleId> | undefined {
  const region = regions[i] as RegionIR
  const kind = kinds[i] as MemoryKind
  const { strategy, tx } = step
  const { kernel, iommu } = plan.platform
  const provider = region.provider ?? ''
  switch (KIND_VERDICTS[strategy][kind] as KindVerdict) {
    case 'unreachable':
      return finding('R4', m.writeP2pUnsupportedMessage(region.name, provider, client.name, resolveKind(plan, region, client).p2p?.why ?? 'no-common-switch'))
    case 'bus':
      return finding('R3', m.writeBusAddressMessage(region.name, provider, client.name, strategy))
    case 'bus-only':
      return finding('R3', m.writeBusOnlyMessage(region.name, kind, client.name))
    case 'encrypted':
      return finding('R5', m.writeEncryptedMessage(region.name, client.name, strategy))
    case 'coherent-host':
      return finding('R2', m.writeCoherentHostOnlyMessage(region.name, kind))
    case 'mmio':
      if (!kernelAtLeast(kernel, KERNEL_FEATURES['attr-mmio'].since)) return finding('R9', m.writeHostBridgeMmioMessage(region.name, strategy, kernel))
      break
    case 'ok':
      break
  }
  if (!UNIFORM[strategy]) return undefined
  const first = kinds[0] as MemoryKind
  if (kind !== first) return finding('R2', m.writeMixedKindsMessage(tx, strategy, (regions[0] as RegionIR).name, first, region.name, kind))
  if (strategy === 'iova') {
    const { head, tail } = granuleAlignment(region, iommu.granule)
    if (i > 0 && !head) return finding('R6', m.writeInteriorStartMessage(region.name, iommu.granule, tx))
    if (i < regions.length - 1 && !tail) return finding('R6', m.writeInteriorEndMessage(region.name, iommu.granule, tx))
  }
  return undefined
}

/**
 * Whether the CPU's and the device's views of the transaction differ until a
 * sync: every bounce (forced swiotlb, private guest memory, an untrusted
 * device's sub-granule buffer behind the IOMMU) and every non-coherent device.
 * Coherent allocations and bus-address P2P never need one.
 */
function syncReason(plan: Plan, client: DeviceIR, step: MapStep, regions: readonly RegionIR[], kinds: readonly MemoryKind[]): SyncReason | undefined {
  if (step.strategy === 'coherent' || step.strategy === 'p2p-bus') return undefined
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
