/**
 * The plan builder: immutable (every call returns a new builder), typed (its
 * generics carry the platform, the device and the state of each transaction)
 * and cheap (steps are a persistent list, so a step costs O(1)).
 *
 * The public surface is the PlanBuilder interface; the class stays private.
 */
import type { DeviceIR, Direction, DmaAttr, DriverStep, Plan, PlatformIR, RegionIR, Step, Strategy } from '../plan/ir.js'
import { DIRECTIONS, PLAN_FORMAT } from '../plan/ir.js'
import { decodePlan, driverStepIssues, jsonValues } from '../plan/load.js'
import { validatePlan } from '../plan/rules/validate.js'
import { toU64 } from '../plan/u64.js'
import { markBuilt } from './built.js'
import { PlanRuleError, PlanShapeError } from './errors.js'
import { callSite } from './source.js'
import type { AnyRegion } from './region.js'
import type { ByteRange, TxOptions, U64 } from './spec.js'
import type {
  CheckCpuRead,
  CheckDeviceRead,
  CheckDeviceWrite,
  CheckHmm,
  CheckIova,
  CheckLive,
  CheckMaskChange,
  CheckMember,
  CheckNewTx,
  CheckAttrs,
  CheckRegions,
  CheckStrategy,
  CpuDirty,
  DeviceDirty,
  DmaRuleError,
  Facts,
  Mapped,
  MinAlignSet,
  State,
  Synced,
  TxFacts,
  Unfinished,
  Unmapped,
} from './types/checks.js'
import type { Ctx } from './types/context.js'
import type { CheckIdentifier } from '../plan/names.js'
import type { writeStillMappedMessage } from '../plan/rules/messages.js'
import { descriptor, STRATEGY_NAMES } from '../strategies/index.js'
import { checkIdentifier, checkOneOf } from '../plan/names.js'

/**
 * A plan under construction for one device.
 *
 * Type parameters: C the platform and device facts, F what each transaction
 * is and maps (static facts, see Facts), S the state of the live mappings
 * (see State).
 */
export interface PlanBuilder<C extends Ctx, F extends Facts = never, S extends State = never> {
  /**
   * Map regions as one transaction.
   *
   * @example
   * host.plan(nic).transaction('mr', { strategy: 'iova', dir: 'bidirectional' }, [buf, hdr])
   * // dma_iova_try_alloc(dev, &state, phys(buf), size); dma_iova_link() each range; dma_iova_sync()
   */
  transaction<
    N extends string,
    // Any string, so that a literal that is not a strategy or a direction is named as such (CheckStrategy).
    St extends Strategy | (string & {}),
    D extends Direction | (string & {}),
    // const infers the regions as a tuple (their positions matter for R6) and keeps the array literal's contextual type cheap.
    const R extends readonly AnyRegion[],
    // const for the same reasons: each attribute is judged at its position.
    const A extends readonly DmaAttr[] = [],
  >(
    name: CheckIdentifier<'transaction', N, CheckNewTx<N, F, C['dev']>>,
    options: {
      readonly strategy: CheckStrategy<St, D, N, C>
      readonly dir: D
      readonly attrs?: CheckAttrs<A, C>
      /** hmm: map every page now (true, the default) or let hmmFault() link pages one at a time. */
      readonly populate?: boolean
    },
    regions: CheckRegions<R, Extract<St, Strategy>, N, C, F>,
  ): PlanBuilder<C, F | TxFacts<N, Extract<St, Strategy>, R, C>, Mapped<S, N, [D] extends [Direction] ? D : Direction>>

  /** The device reads (part of) a region through a transaction's mapping (a DMA_TO_DEVICE transfer). */
  deviceReads<N extends string, Rg extends AnyRegion>(
    tx: CheckDeviceRead<N, Rg, F, S, C>,
    region: CheckMember<Rg, N, F, C['dev']>,
    range?: ByteRange,
  ): PlanBuilder<C, F, S>

  /** The device writes (part of) a region through a transaction's mapping (a DMA_FROM_DEVICE transfer). */
  deviceWrites<N extends string, Rg extends AnyRegion>(
    tx: CheckDeviceWrite<N, Rg, F, S, C['dev']>,
    region: CheckMember<Rg, N, F, C['dev']>,
    range?: ByteRange,
  ): PlanBuilder<C, F, DeviceDirty<S, N, Rg, F>>

  /** The CPU reads (part of) a region; what the device wrote must have been synced for the CPU. */
  cpuReads<Rg extends AnyRegion>(region: CheckCpuRead<Rg, F, S, C>, range?: ByteRange): PlanBuilder<C, F, S>

  /** The CPU writes (part of) a region; a mapped transaction must then be synced for the device. */
  cpuWrites<Rg extends AnyRegion>(region: Rg, range?: ByteRange): PlanBuilder<C, F, CpuDirty<S, Rg, F>>

  /** dma_sync_*_for_cpu(): hand the transaction (or one region) to the CPU. */
  syncForCpu<N extends string, Rg extends AnyRegion = never>(
    tx: CheckLive<N, F, S, C['dev']>,
    region?: CheckMember<Rg, N, F, C['dev']>,
  ): PlanBuilder<C, F, Synced<S, 'd', N, Rg>>

  /** dma_sync_*_for_device(): hand the transaction (or one region) back to the device. */
  syncForDevice<N extends string, Rg extends AnyRegion = never>(
    tx: CheckLive<N, F, S, C['dev']>,
    region?: CheckMember<Rg, N, F, C['dev']>,
  ): PlanBuilder<C, F, Synced<S, 'c', N, Rg>>

  /** HMM fault: link the page at `index` of the mirror (hmm_dma_map_pfn). */
  hmmFault<N extends string>(tx: CheckHmm<N, F, S, C['dev']>, index: number): PlanBuilder<C, F, S>

  /** HMM invalidation: unlink the page at `index` (hmm_dma_unmap_pfn). */
  hmmInvalidate<N extends string>(tx: CheckHmm<N, F, S, C['dev']>, index: number): PlanBuilder<C, F, S>

  /**
   * dma_iova_unlink(): take one region out of an iova transaction's range
   * (the device loses it, the CPU owns it again); the rest stays linked
   * until unmap().
   */
  unlink<N extends string, Rg extends AnyRegion>(tx: CheckIova<N, Rg, F, S, C['dev']>, region: CheckMember<Rg, N, F, C['dev']>): PlanBuilder<C, F, S>

  /** Unmap or destroy the transaction's mapping; ownership returns to the CPU. */
  unmap<N extends string>(tx: CheckLive<N, F, S, C['dev']>): PlanBuilder<C, F | `u:${N}`, Unmapped<S, N>>

  /** End the plan with this transaction still mapped, on purpose. */
  keep<N extends string>(tx: CheckLive<N, F, S, C['dev']>): PlanBuilder<C, F, S | `k:${N}`>

  /** Let simulated time pass (a lazy IOTLB flush happens 10 ms after the first queued unmap). */
  wait(ms: number): PlanBuilder<C, F, S>

  /**
   * dma_set_mask_and_coherent(dev, DMA_BIT_MASK(bits)): IOVAs, bounce
   * decisions and coherent allocations from here on follow the new mask.
   *
   * Only while no streaming transaction is mapped (R8): the kernel then
   * decides afresh whether the device needs syncs.
   *
   * @example
   * // a probe whose 64-bit mask the platform refused, falling back to 32 bits
   * plan.setDmaMask(32).transaction('ring', { strategy: 'coherent', dir: 'bidirectional' }, [ring])
   */
  setDmaMask<B extends number>(bits: CheckMaskChange<B, S, F, C['dev']>): PlanBuilder<C, F, S>

  /** dma_set_seg_boundary(dev, mask): from here on no DMA segment crosses a multiple of mask + 1 (mask is 2^n - 1). */
  setSegmentBoundary(mask: U64): PlanBuilder<C, F, S>

  /** dma_set_max_seg_size(dev, bytes): from here on scatterlists are cut and merged into segments of at most this size. */
  setMaxSegmentSize(bytes: number): PlanBuilder<C, F, S>

  /** dma_set_min_align_mask(dev, mask): from here on swiotlb keeps these low bits of each address in its bounce slots. */
  setMinAlignMask<const M extends number>(mask: M): PlanBuilder<C, MinAlignSet<F, M>, S>

  /**
   * The frozen plan IR. Not callable while a transaction is still mapped and
   * not kept (R8). Throws PlanRuleError if a rule the types could not see is broken.
   */
  readonly build: [Unfinished<S>] extends [never] ? () => Plan : DmaRuleError<writeStillMappedMessage<Unfinished<S>, C['dev']>>
}

/** Any plan builder, for helpers that take one and hand it back. */
// biome-ignore lint: the helper constraint must accept every instantiation
export type AnyPlanBuilder = PlanBuilder<any, any, any>

/** What a builder shares with all its descendants. */
export interface PlanContext {
  readonly name: string
  readonly platform: PlatformIR
  readonly device: DeviceIR
  /** The region was made by this plan's platform (its alignment was computed for this granule). */
  readonly owns: (region: AnyRegion) => boolean
}

/** Persistent list of steps, newest first. */
interface StepNode {
  readonly step: Step
  readonly regions: readonly AnyRegion[]
  readonly prev: StepNode | undefined
}

class PlanBuilderImpl {
  readonly #ctx: PlanContext
  readonly #last: StepNode | undefined

  constructor(ctx: PlanContext, last: StepNode | undefined) {
    this.#ctx = ctx
    this.#last = last
    Object.freeze(this)
  }

  #with(step: Step, regions: readonly AnyRegion[] = []): PlanBuilderImpl {
    return new PlanBuilderImpl(this.#ctx, { step, regions, prev: this.#last })
  }

  transaction(name: string, options: TxOptions, regions: readonly AnyRegion[]): PlanBuilderImpl {
    // What the types say of literals, said again for values they could not see (names.ts).
    const wrong = [checkIdentifier('transaction', name), checkOneOf('strategy', options.strategy, STRATEGY_NAMES), checkOneOf('dir', options.dir, DIRECTIONS)].filter(
      (s): s is string => s !== undefined,
    )
    if (wrong.length > 0) throw new PlanShapeError(wrong, callSite(PlanBuilderImpl.prototype.transaction).at)
    return this.#with(
      {
        op: 'map',
        tx: name,
        strategy: options.strategy,
        dir: options.dir,
        attrs: [...(options.attrs ?? [])],
        regions: regions.map((r) => r.name),
        populate: descriptor(options.strategy).perPage ? options.populate !== false : true,
        ...callSite(PlanBuilderImpl.prototype.transaction),
      },
      regions,
    )
  }

  deviceReads(tx: string, region: AnyRegion, range?: ByteRange): PlanBuilderImpl {
    return this.#with({ op: 'device-read', tx, ...rangeOf(region, range), ...callSite(PlanBuilderImpl.prototype.deviceReads) }, [region])
  }

  deviceWrites(tx: string, region: AnyRegion, range?: ByteRange): PlanBuilderImpl {
    return this.#with({ op: 'device-write', tx, ...rangeOf(region, range), ...callSite(PlanBuilderImpl.prototype.deviceWrites) }, [region])
  }

  cpuReads(region: AnyRegion, range?: ByteRange): PlanBuilderImpl {
    return this.#with({ op: 'cpu-read', ...rangeOf(region, range), ...callSite(PlanBuilderImpl.prototype.cpuReads) }, [region])
  }

  cpuWrites(region: AnyRegion, range?: ByteRange): PlanBuilderImpl {
    return this.#with({ op: 'cpu-write', ...rangeOf(region, range), ...callSite(PlanBuilderImpl.prototype.cpuWrites) }, [region])
  }

  syncForCpu(tx: string, region?: AnyRegion): PlanBuilderImpl {
    const at = callSite(PlanBuilderImpl.prototype.syncForCpu)
    return this.#with(region ? { op: 'sync-for-cpu', tx, region: region.name, ...at } : { op: 'sync-for-cpu', tx, ...at }, region ? [region] : [])
  }

  syncForDevice(tx: string, region?: AnyRegion): PlanBuilderImpl {
    const at = callSite(PlanBuilderImpl.prototype.syncForDevice)
    return this.#with(region ? { op: 'sync-for-device', tx, region: region.name, ...at } : { op: 'sync-for-device', tx, ...at }, region ? [region] : [])
  }

  hmmFault(tx: string, index: number): PlanBuilderImpl {
    return this.#with({ op: 'hmm-fault', tx, index, ...callSite(PlanBuilderImpl.prototype.hmmFault) })
  }

  hmmInvalidate(tx: string, index: number): PlanBuilderImpl {
    return this.#with({ op: 'hmm-invalidate', tx, index, ...callSite(PlanBuilderImpl.prototype.hmmInvalidate) })
  }

  unlink(tx: string, region: AnyRegion): PlanBuilderImpl {
    return this.#with({ op: 'unlink', tx, region: region.name, ...callSite(PlanBuilderImpl.prototype.unlink) }, [region])
  }

  unmap(tx: string): PlanBuilderImpl {
    return this.#with({ op: 'unmap', tx, ...callSite(PlanBuilderImpl.prototype.unmap) })
  }

  keep(tx: string): PlanBuilderImpl {
    return this.#with({ op: 'keep', tx, ...callSite(PlanBuilderImpl.prototype.keep) })
  }

  wait(ms: number): PlanBuilderImpl {
    return this.#with({ op: 'wait', ms, ...callSite(PlanBuilderImpl.prototype.wait) })
  }

  setDmaMask(bits: number): PlanBuilderImpl {
    return this.#driver({ op: 'set-dma-mask', bits, ...callSite(PlanBuilderImpl.prototype.setDmaMask) })
  }

  setSegmentBoundary(mask: U64): PlanBuilderImpl {
    const at = callSite(PlanBuilderImpl.prototype.setSegmentBoundary)
    return this.#driver({ op: 'set-segment-boundary', mask: toU64(mask, 'segment boundary mask'), ...at })
  }

  setMaxSegmentSize(bytes: number): PlanBuilderImpl {
    return this.#driver({ op: 'set-max-segment-size', bytes, ...callSite(PlanBuilderImpl.prototype.setMaxSegmentSize) })
  }

  setMinAlignMask(mask: number): PlanBuilderImpl {
    return this.#driver({ op: 'set-min-align-mask', mask, ...callSite(PlanBuilderImpl.prototype.setMinAlignMask) })
  }

  /** A driver step's value is refused where it is written, with the schema's sentence (a JSON plan's are refused by the same schema). */
  #driver(step: DriverStep): PlanBuilderImpl {
    const wrong = driverStepIssues(step)
    if (wrong.length > 0) throw new PlanShapeError(wrong, step.at)
    return this.#with(step)
  }

  /** Assemble, decode (the same checks as a JSON plan), validate every rule, freeze. */
  build(): Plan {
    const steps: Step[] = []
    const regions = new Map<string, RegionIR>()
    const devices = new Map<string, DeviceIR>([[this.#ctx.device.name, this.#ctx.device]])
    const nodes: StepNode[] = []
    for (let n = this.#last; n !== undefined; n = n.prev) nodes.push(n)
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i] as StepNode
      steps.push(node.step)
      for (const r of node.regions) {
        if (!this.#ctx.owns(r)) throw new PlanShapeError([`region ${r.name} belongs to another platform; create it with this platform's ram() or a device's p2p()`])
        const seen = regions.get(r.name)
        if (seen !== undefined && seen !== r.ir) throw new PlanShapeError([`two different regions are named ${r.name}; give each region a name of its own`])
        regions.set(r.name, r.ir)
        if (r.provider === undefined) continue
        const known = devices.get(r.provider.name)
        if (known !== undefined && known !== r.provider) throw new PlanShapeError([`two different devices are named ${r.provider.name}; give each device a name of its own`])
        devices.set(r.provider.name, r.provider)
      }
    }
    const ir: Plan = {
      format: PLAN_FORMAT,
      name: this.#ctx.name,
      platform: this.#ctx.platform,
      device: this.#ctx.device.name,
      devices: [...devices.values()],
      regions: [...regions.values()],
      steps,
    }
    // jsonValues, not the schema's encode: the decode right after checks every value (src/plan/load.ts).
    const decoded = decodePlan(jsonValues(ir))
    if (!decoded.ok) throw new PlanShapeError(decoded.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)))
    const violations = validatePlan(decoded.plan, callSite(PlanBuilderImpl.prototype.build).at)
    if (violations.length > 0) throw new PlanRuleError(violations)
    return markBuilt(decoded.plan)
  }
}

function rangeOf(region: AnyRegion, range: ByteRange | undefined): { region: string; offset: bigint; bytes: bigint } {
  const offset = toU64(range?.offset ?? 0, `range offset in ${region.name}`)
  const bytes = range?.bytes === undefined ? region.ir.bytes - offset : toU64(range.bytes, `range length in ${region.name}`)
  if (offset >= region.ir.bytes || offset + bytes > region.ir.bytes || bytes === 0n)
    throw new RangeError(`bytes 0x${offset.toString(16)}..0x${(offset + bytes).toString(16)} are not inside region ${region.name}, which has 0x${region.ir.bytes.toString(16)} bytes`)
  return { region: region.name, offset, bytes }
}

export function startPlan<C extends Ctx>(ctx: PlanContext): PlanBuilder<C> {
  return new PlanBuilderImpl(ctx, undefined) as unknown as PlanBuilder<C>
}
