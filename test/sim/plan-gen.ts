/**
 * Random valid plans for the property tests. A seed drives every choice:
 * platform, device, regions (host memory and P2P BARs), transactions with a
 * strategy that accepts their memory (the rule tables of the plan checker
 * decide), and steps of a well-behaved driver: syncs wherever ownership
 * changes, so that the data must always round-trip.
 */
import type { MemoryKind } from '../../src/plan/rules/messages.js'
import { KIND_VERDICTS, UNIFORM } from '../../src/plan/rules/verdicts.js'
import type { Plan, Strategy } from '../../src/plan/ir.js'
import { kernelAtLeast, KERNEL_VERSIONS } from '../../src/plan/kernel.js'
import type { KernelVersion } from '../../src/plan/kernel.js'
import { resolveKind, granuleAlignment } from '../../src/plan/topology.js'
import { validatePlan } from '../../src/plan/rules/validate.js'
import { mkPlan } from './helpers.js'
import { fmix32 } from '../../src/sim/mem/pattern.js'

/** A seeded generator (xorshift) for the random plans of the property tests. */
export class Rng {
  #s: number
  constructor(seed: number) {
    // Scramble the seed: xorshift's first outputs from small seeds are all tiny.
    this.#s = fmix32(seed >>> 0) || 0x9e3779b9
    for (let i = 0; i < 4; i++) this.next()
  }
  next(): number {
    let x = this.#s
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    this.#s = x >>> 0
    return this.#s / 2 ** 32
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)] as T
  }
  chance(p: number): boolean {
    return this.next() < p
  }
}

const STRATS: Strategy[] = ['iova', 'page', 'sg', 'p2p-bus', 'hmm', 'blk', 'coherent', 'auto']

export function genPlan(seed: number, onReject?: (why: string) => void): Plan | undefined {
  const r = new Rng(seed)
  const kernel = r.pick(KERNEL_VERSIONS) as KernelVersion
  const coco = r.chance(0.08)
  const iommu = coco ? 'none' : r.pick(['translated', 'translated', 'translated', 'passthrough', 'none'] as const)
  const force = !coco && iommu !== 'translated' && r.chance(0.15)
  const ramBytes = r.pick(['0x20000000', '0x100000000', '0x200000000'])
  const swiotlb = force || r.chance(0.3) ? { force, bytes: r.pick(['0x400000', '0x4000000']) } : {}
  const device = {
    dmaMask: r.pick([28, 32, 36, 40, 48, 64, 64, 64]),
    coherent: r.chance(0.8),
    trusted: r.chance(0.85),
    minAlignMask: r.pick([0, 0, 0xfff]),
    maxSegmentSize: r.pick([0x10000, 0x10000, 0x4000]),
    ...(r.chance(0.6) ? { at: 'sw0' } : {}),
  }
  const switches = [{ name: 'sw0', acsRedirect: r.chance(0.2) }]
  const hostBridgeP2P = r.chance(0.4)
  const gpus = r.chance(0.5) ? [{ name: 'gpu', ...(r.chance(0.7) ? { at: 'sw0' } : {}), p2pMemory: { bytes: '0x1000000' } }] : []
  const regions: Record<string, unknown>[] = []
  const nRam = r.int(1, 4)
  for (let i = 0; i < nRam; i++) {
    const whole = r.chance(0.5)
    const offset = whole ? 0 : r.pick([0, 0x40, 0x200, 0x800, 0xf00])
    const bytes = whole ? r.int(1, 5) * 4096 : r.int(1, 0x3000)
    regions.push({ name: `r${i}`, memory: 'ram', offset: `0x${offset.toString(16)}`, bytes: `0x${bytes.toString(16)}`, encrypted: coco && r.chance(0.8) })
  }
  if (gpus.length)
    for (let i = 0; i < r.int(0, 2); i++) regions.push({ name: `v${i}`, memory: 'p2p', provider: 'gpu', bytes: `0x${(r.int(1, 4) * 4096).toString(16)}` })
  const base = mkPlan({ kernel, iommu, coco, ramBytes, swiotlb, switches, hostBridgeP2P, device, devices: gpus, regions, steps: [] })
  const client = base.devices[0]
  if (client === undefined) return undefined
  const kindOf = new Map(base.regions.map((x) => [x.name, resolveKind(base, x, client).kind]))

  // Transactions over disjoint regions, each with a strategy that takes their memory.
  const free = base.regions.map((x) => x.name).sort(() => r.next() - 0.5)
  const txs: { name: string; strategy: Strategy; dir: 'to-device' | 'from-device' | 'bidirectional'; regions: string[]; populate: boolean }[] = []
  for (let t = 0; t < 3 && free.length; t++) {
    const take = free.splice(0, r.int(1, Math.min(3, free.length)))
    const kinds = take.map((n) => kindOf.get(n) as MemoryKind)
    const options = STRATS.filter((s) => strategyTakes(s, kinds, take, base, kernel, iommu, device.coherent, coco, force))
    if (!options.length) continue
    const strategy = r.pick(options)
    const dir = strategy === 'hmm' ? 'bidirectional' : r.pick(['to-device', 'from-device', 'bidirectional'] as const)
    txs.push({ name: `t${t}`, strategy, dir, regions: take, populate: strategy !== 'hmm' || r.chance(0.6) })
  }
  if (!txs.length) return undefined

  const steps: Record<string, unknown>[] = []
  const deviceDirty = new Set<string>()
  const faulted = new Map<string, Set<number>>()
  for (const t of txs) {
    steps.push({ op: 'map', tx: t.name, strategy: t.strategy, dir: t.dir, regions: t.regions, populate: t.populate })
    if (t.strategy === 'hmm') faulted.set(t.name, new Set())
  }
  const pagesBefore = (t: (typeof txs)[number], region: string) => {
    let n = 0
    for (const name of t.regions) {
      if (name === region) return n
      const reg = base.regions.find((x) => x.name === name)
      n += Number(((reg?.offset ?? 0n) + (reg?.bytes ?? 0n) + 4095n) / 4096n)
    }
    return n
  }
  for (let k = r.int(1, 8); k > 0; k--) {
    const t = r.pick(txs)
    const region = r.pick(t.regions)
    const reg = base.regions.find((x) => x.name === region)
    if (reg === undefined) continue
    const offset = BigInt(r.int(0, Number(reg.bytes) - 1))
    const bytes = BigInt(r.int(1, Number(reg.bytes - offset)))
    const what = r.int(0, 4)
    const access = { region, offset: `0x${offset.toString(16)}`, bytes: `0x${bytes.toString(16)}` }
    if (what <= 1 && t.strategy === 'hmm' && !t.populate) {
      const f = faulted.get(t.name) as Set<number>
      const first = pagesBefore(t, region) + Number((reg.offset + offset) / 4096n)
      const last = pagesBefore(t, region) + Number((reg.offset + offset + bytes - 1n) / 4096n)
      for (let i = first; i <= last; i++)
        if (!f.has(i)) {
          steps.push({ op: 'hmm-fault', tx: t.name, index: i })
          f.add(i)
        }
    }
    if (what === 0 && t.dir !== 'to-device') {
      steps.push({ op: 'device-write', tx: t.name, ...access })
      deviceDirty.add(`${t.name}/${region}`)
    } else if (what === 1 && t.dir !== 'from-device') {
      steps.push({ op: 'device-read', tx: t.name, ...access })
    } else if (what === 2) {
      syncForCpu(t.name, region)
      steps.push({ op: 'cpu-read', ...access })
    } else if (what === 3 && t.dir !== 'from-device') {
      // A CPU write into a DMA_FROM_DEVICE mapping is lost when it bounces (sync_for_device copies nothing
      // for that direction and the unmap copies the bounce slot back): a driver bug the simulator reports.
      // Syncing for the device copies the CPU's view of the whole range back into bounce slots: take
      // back everything the device wrote in the transaction first, or its data would be overwritten.
      for (const other of t.regions) syncForCpu(t.name, other)
      steps.push({ op: 'cpu-write', ...access })
      steps.push({ op: 'sync-for-device', tx: t.name, ...(r.chance(0.5) ? { region } : {}) })
    } else if (t.strategy === 'hmm' && !t.populate) {
      const f = faulted.get(t.name) as Set<number>
      const page = [...f][0]
      if (page !== undefined) {
        steps.push({ op: 'hmm-invalidate', tx: t.name, index: page })
        f.delete(page)
      }
    } else steps.push({ op: 'wait', ms: r.pick([1, 10, 200]) })
  }
  function syncForCpu(tx: string, region: string) {
    if (deviceDirty.delete(`${tx}/${region}`)) steps.push({ op: 'sync-for-cpu', tx, region })
  }
  for (const t of [...txs].sort(() => r.next() - 0.5)) steps.push({ op: 'unmap', tx: t.name })
  for (const reg of base.regions) if (r.chance(0.5)) steps.push({ op: 'cpu-read', region: reg.name })
  const plan = mkPlan({ kernel, iommu, coco, ramBytes, swiotlb, switches, hostBridgeP2P, device, devices: gpus, regions, steps })
  const v = validatePlan(plan)
  if (v.length) onReject?.(v[0]?.text ?? '')
  return v.length === 0 ? plan : undefined
}

function strategyTakes(
  s: Strategy,
  kinds: MemoryKind[],
  names: string[],
  plan: Plan,
  kernel: KernelVersion,
  iommu: string,
  coherent: boolean,
  coco: boolean,
  force: boolean,
): boolean {
  if (kinds.some((k) => KIND_VERDICTS[s][k] !== 'ok' && !(KIND_VERDICTS[s][k] === 'mmio' && kernelAtLeast(kernel, '6.18')))) return false
  if (UNIFORM[s] && kinds.some((k) => k !== kinds[0])) return false
  if (s === 'iova') {
    if (iommu !== 'translated' || !kernelAtLeast(kernel, '6.16')) return false
    const regs = names.map((n) => plan.regions.find((x) => x.name === n))
    if (regs.some((x, i) => x === undefined || (i > 0 && !granuleAlignment(x, 4096).head) || (i < regs.length - 1 && !granuleAlignment(x, 4096).tail)))
      return false
  }
  // HMM never syncs: the kernel refuses what would need it (and, before 7.0, cannot see forced bouncing).
  if (s === 'hmm') return kernelAtLeast(kernel, '6.16') && coherent && !coco && !force
  if (s === 'blk') return kernelAtLeast(kernel, '6.17')
  if (s === 'p2p-bus') return kernelAtLeast(kernel, '6.16')
  return true
}
