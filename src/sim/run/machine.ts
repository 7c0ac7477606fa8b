/**
 * The simulated machine for one plan: the kernel's DMA layer and the
 * hardware under it, built from the plan's platform and device. It is the
 * Env every part of the model works in.
 */
import type { Plan } from '../../plan/ir.js'
import type { KernelVersion } from '../../plan/kernel.js'
import { kernelAtLeast } from '../../plan/kernel.js'
import type { KernelChangeId } from '../../plan/kernel-changes.js'
import { kernelHas } from '../../plan/kernel-changes.js'
import { p2pDecision } from '../../plan/topology.js'
import { DMA_BIT_MASK } from '../addr.js'
import { Clock } from '../clock.js'
import { FOUR_GIB, PAGE_SIZE } from '../consts.js'
import { DmaApi } from '../dma/api.js'
import { BlkMqDma } from '../dma/blk-mq-dma.js'
import { DmaDebug } from '../dma/debug.js'
import { makeDevice } from '../dma/device.js'
import { dmaSupported } from '../dma/dma-parms.js'
import type { Device } from '../dma/device.js'
import type { Env } from '../dma/env.js'
import { Hmm } from '../dma/hmm.js'
import { IovaTracker } from '../dma/iova-tracker.js'
import { kmallocBounceEnabled } from '../dma/kmalloc.js'
import { P2pDma } from '../dma/p2pdma.js'
import { Swiotlb } from '../dma/swiotlb.js'
import { DmaWindows } from '../dma/windows.js'
import { DmaEngine } from '../engine/dma-engine.js'
import { Reporter } from '../findings.js'
import { IommuDomain } from '../iommu/domain.js'
import { q35HostBridgeWindows } from '../iommu/host-bridge.js'
import { vtdRemapWarning } from '../iommu/vtd.js'
import { CpuCache } from '../mem/cpu-cache.js'
import { computeLayout, ramRanges } from '../mem/layout.js'
import type { Layout } from '../mem/layout.js'
import { PhysMem } from '../mem/phys-mem.js'
import type { SimOptions } from '../options.js'
import { SimError } from '../sim-error.js'
import { Stats } from '../stats.js'
import { Trace } from '../trace.js'
import { regionInfos } from './regions.js'
import type { RegionInfo } from './regions.js'
import { descriptor } from '../../strategies/index.js'


export class Machine implements Env {
  readonly plan: Plan
  readonly version: KernelVersion
  readonly dev: Device
  readonly reporter = new Reporter()
  readonly stats = new Stats()
  readonly clock: Clock
  readonly trace: Trace
  readonly layout: Layout
  readonly mem: PhysMem
  readonly cache: CpuCache | undefined
  readonly swiotlb: Swiotlb | undefined
  readonly domain: IommuDomain | undefined
  readonly debug: DmaDebug
  readonly windows = new DmaWindows()
  readonly p2p: P2pDma
  readonly #changes: Partial<Record<KernelChangeId, boolean>>
  readonly dmaApiDebug: boolean
  readonly forceBounce: boolean
  readonly coco: boolean
  readonly topOfRam: bigint
  readonly engine: DmaEngine
  readonly tracker: IovaTracker
  readonly api: DmaApi
  readonly hmm: Hmm
  readonly blk: BlkMqDma
  readonly regions: Map<string, RegionInfo>
  readonly #warned = new Set<string>()

  constructor(plan: Plan, options: SimOptions = {}) {
    this.plan = plan
    this.clock = new Clock(options.jiffyPhaseMs ?? plan.observed?.tickPhaseMs ?? 0)
    const p = plan.platform
    this.version = p.kernel
    const devIr = plan.devices.find((d) => d.name === plan.device)
    if (devIr === undefined) throw new SimError(`the plan's device ${plan.device} is not among its devices`)
    const translated = p.iommu.mode === 'translated'
    this.dev = makeDevice(plan, devIr, translated)
    this.trace = new Trace(options.failAtCall)
    this.#changes = options.changes ?? {}
    this.dmaApiDebug = options.dmaApiDebug === true
    this.coco = p.coco
    this.forceBounce = p.swiotlb.force || p.coco

    const ram = ramRanges(p.ramBytes)
    this.topOfRam = ram.reduce((t, r) => (r.end > t ? r.end : t), 0n)
    const swiotlbExists = this.topOfRam > FOUR_GIB || this.forceBounce || kmallocBounceEnabled(this.dev)
    // dma-direct allocates coherent memory below the coherent mask the driver has set by then (a driver step may change it).
    const coherentLimit = new Map<string, bigint>()
    if (!translated) {
      let mask = this.dev.coherentDmaMask
      for (const s of plan.steps) {
        if (s.op === 'set-dma-mask' && dmaSupported({ dev: this.dev, topOfRam: this.topOfRam }, DMA_BIT_MASK(s.bits))) mask = DMA_BIT_MASK(s.bits)
        if (s.op === 'map' && descriptor(s.strategy).allocates) for (const r of s.regions) coherentLimit.set(r, mask)
      }
    }
    this.layout = computeLayout(plan, { swiotlb: swiotlbExists, coherentLimit, granule: BigInt(Math.max(p.iommu.granule, PAGE_SIZE)) })
    this.mem = new PhysMem([...ram, ...this.layout.bars.map((b) => ({ start: b.bar, end: b.bar + b.size }))])
    this.cache = this.dev.coherent ? undefined : new CpuCache(this.mem)
    // The CPU maps device BARs uncached (ioremap): P2P memory never sits in the CPU cache.
    for (const b of this.layout.bars) this.cache?.markUncached(b.bar, b.size)

    if (this.layout.swiotlb) {
      this.swiotlb = new Swiotlb(this.layout.swiotlb.base, this.layout.swiotlb.nslabs)
      // swiotlb_init_io_tlb_pool() clears the pool; bounce buffers are decrypted memory (K-S12).
      this.mem.zero(this.swiotlb.start, this.swiotlb.end - this.swiotlb.start)
      if (options.swiotlbFull) this.swiotlb.fill()
    }
    if (translated) {
      // Untrusted devices are forced strict (K-R23).
      const lazy = p.iommu.flush === 'lazy' && !this.dev.untrusted
      // iova_reserve_pci_windows(), for a PCI device: its host bridge's windows (q35's), and the plan's BARs as the bus sees them.
      const reserved = [
        ...(this.dev.pci ? q35HostBridgeWindows(this.layout.ram) : []),
        ...this.layout.bars.map((b) => ({ start: b.bar + b.busOffset, end: b.bar + b.busOffset + b.size })),
      ]
      // A coherent device stands for x86 and VT-d here too, a non-coherent one for arm64's io-pgtable-arm.
      const remapPresent = !this.dev.coherent ? 'eexist' : this.has('vtd-generic-pt') ? 'eaddrinuse' : 'keep'
      const onRemap = vtdRemapWarning(this.reporter, this.dev, p.iommu.granule)
      this.domain = new IommuDomain({ granule: p.iommu.granule, addressWidth: p.iommu.addressWidth, lazy, observedFqTimer: plan.observed?.fqTimer === true, reserved, remapPresent, onRemap }, this.clock, this.stats)
      if (options.exhaustIova) this.domain.caches.exhausted = true
    }
    this.p2p = new P2pDma(plan, plan.device, this.layout.bars)
    if (options.p2pUnsupported) this.p2p.unsupported = true
    this.debug = new DmaDebug(this.reporter, this.dev, {
      // A coherent device stands for x86, whose DMA cache alignment (1) is below L1_CACHE_BYTES; a non-coherent one for arm64 (128).
      cachelineOverlap: !this.dev.coherent || !this.has('debug-cacheline-overlap-cache-aligned'),
      kmallocBounceExempt: this.has('debug-kmalloc-bounce-exemption') && kmallocBounceEnabled(this.dev) && this.swiotlb !== undefined,
      unmapAttrs: this.has('debug-unmap-attrs'),
      ...(options.dmaDebugEntries === undefined ? {} : { preallocEntries: options.dmaDebugEntries }),
    })
    this.engine = new DmaEngine(this, (provider) => {
      const prov = plan.devices.find((d) => d.name === provider)
      return prov !== undefined && p2pDecision({ ...p, coco: false }, prov, devIr).map === 'bus'
    })
    this.regions = regionInfos(plan, this.layout, devIr)
    for (const r of this.regions.values()) if (r.kind === 'encrypted') this.engine.privateRanges.push({ start: r.phys, end: r.phys + r.bytes })
    this.tracker = new IovaTracker(this.reporter)
    this.debug.isIovaApiAddress = (addr) => {
      const d = this.domain
      if (d === undefined) return false
      const pfn = d.pfn(addr)
      return this.tracker.live().some((s) => pfn >= s.basePfn && pfn < s.basePfn + s.pages)
    }
    this.api = new DmaApi(this, this.tracker)
    this.hmm = new Hmm(this.api)
    this.blk = new BlkMqDma(this.api)
  }

  atLeast(since: KernelVersion): boolean {
    return kernelAtLeast(this.version, since)
  }

  has(id: KernelChangeId): boolean {
    return this.#changes[id] ?? kernelHas(this.version, id)
  }

  cpuRead(phys: bigint, len: number): Uint8Array {
    return this.cache ? this.cache.cpuRead(phys, len) : this.mem.read(phys, len)
  }

  cpuWrite(phys: bigint, data: Uint8Array): void {
    if (this.cache) this.cache.cpuWrite(phys, data)
    else this.mem.write(phys, data)
  }

  warnOnce(key: string, id: string, message: string): void {
    if (this.#warned.has(key)) return
    this.#warned.add(key)
    this.reporter.report(id, 'warning', 'kernel', message)
  }

  /**
   * The driver legitimately skipped an unmap (dma_need_unmap() said no): on
   * a non-debug kernel the mapping then simply ends. Drop the model's
   * record of it so it is not reported as a leak.
   */
  forgetMapping(addr: bigint, len: bigint): void {
    this.windows.close(addr, len)
    this.debug.forget(addr)
  }

  /** A coherent allocation in a confidential guest is decrypted (shared with the host). */
  set_memory_decrypted(start: bigint, len: bigint): void {
    const r = this.engine.privateRanges
    for (let i = r.length - 1; i >= 0; i--) {
      const x = r[i] as { start: bigint; end: bigint }
      if (x.start < start + len && start < x.end) r.splice(i, 1)
    }
  }
}
