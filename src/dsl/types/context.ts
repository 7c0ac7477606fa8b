/**
 * The facts the type-level rules read, normalised once: platform facts when
 * platform() is called, the device and its P2P routes when plan() is called.
 *
 * Every fact is a literal type held by an interface, never an object literal
 * or mapped type: an interface reference whose arguments are literals is a
 * closed type, which the compiler passes through unchanged instead of
 * instantiating it again at every builder step. Tables are therefore unions
 * of strings ("sw0=p2p-bus") or interfaces with one argument per entry.
 */
import type { Direction, DmaAttr, Granule, IommuMode, Strategy } from '../../plan/ir.js'
import type { KernelVersion, NewestKernel } from '../../plan/kernel.js'
import type { KernelFeature } from '../../plan/kernel-changes.js'
import type { MemoryKind, P2pUnreachable } from '../../plan/rules/messages.js'
import type { BlkDirections } from '../../plan/rules/r10-blk-one-way.js'
import type { RegionVerdicts } from '../../plan/rules/verdicts.js'
import type * as r1 from '../../plan/rules/r1-iova-needs-iommu.js'
import type * as r5 from '../../plan/rules/r5-encrypted-bounces.js'
import type * as r6 from '../../plan/rules/r6-iova-granule.js'
import type * as r9 from '../../plan/rules/r9-kernel-features.js'
import type { DescriptorOf } from '../../strategies/index.js'
import type { DeviceSpec, PlatformSpec } from '../spec.js'

/**
 * What a platform() spec says, as literals. Switches are `${name}>${upstream}`
 * ('' upstream for a root port); AcsSwitches names the switches whose
 * downstream ports redirect P2P upstream, MaybeAcs those whose spec gives a
 * boolean the compiler cannot see. A boolean fact written as a non-literal
 * stays `boolean`, which the rules read as "unknown": they let it pass and
 * the run-time check decides. So does a kernel version that is not one literal.
 */
export interface PlatformFacts<
  Kernel extends KernelVersion = KernelVersion,
  Mode extends IommuMode = IommuMode,
  Gran extends Granule = Granule,
  Coco extends boolean = boolean,
  Force extends boolean = boolean,
  HostBridge extends boolean = boolean,
  Switches extends string = string,
  AcsSwitches extends string = string,
  MaybeAcs extends string = string,
> {
  readonly kernel: Kernel
  readonly mode: Mode
  readonly granule: Gran
  readonly coco: Coco
  readonly force: Force
  readonly hostBridge: HostBridge
  readonly switches: Switches
  readonly acs: AcsSwitches
  readonly maybeAcs: MaybeAcs
}

/** A boolean option that defaults to false: false when omitted, `boolean` (unknown) when written as a non-literal boolean. */
type Flag<B> = [B] extends [true] ? true : [B] extends [boolean] ? ([boolean] extends [B] ? boolean : false) : false
/** A boolean option that defaults to true counts as false only when written as the literal false. */
type NotFalse<B> = [B] extends [false] ? false : true

type SwitchesOf<S> = { [K in keyof S & string]: `${K}>${S[K] extends { readonly upstream: infer U extends string } ? U : ''}` }[keyof S & string]
type AcsOf<S> = { [K in keyof S & string]: S[K] extends { readonly acsRedirect: true } ? K : never }[keyof S & string]
type MaybeAcsOf<S> = {
  [K in keyof S & string]: S[K] extends { readonly acsRedirect: infer A } ? ([boolean] extends [A] ? ([A] extends [boolean] ? K : never) : never) : never
}[keyof S & string]
/** One kernel version, or every version when the spec's is not a literal (the run-time check decides). */
type KernelOf<K> = [K] extends [KernelVersion] ? ([IsUnion<K>] extends [false] ? K : KernelVersion) : NewestKernel
type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never
type Pci<P extends PlatformSpec> = P['pci'] extends { readonly switches: infer S } ? S : {}

/*
 * A reference to a generic interface written directly as a type alias's body
 * is deferred by the compiler and stays "open" (it is instantiated again
 * wherever it appears). Written as an interface member it is resolved to a
 * closed reference once; the aliases below read that member.
 */
interface Closed<P extends PlatformSpec, Ds extends DeviceSpec, F extends PlatformFacts, N extends string, D extends DeviceFacts> {
  platform: PlatformFacts<
    KernelOf<P['kernel']>,
    P['iommu'] extends { readonly mode: infer M extends IommuMode } ? M : 'translated',
    P['iommu'] extends { readonly granule: infer G extends Granule } ? G : 4096,
    Flag<P['coco']>,
    P['swiotlb'] extends { readonly force: infer F } ? Flag<F> : false,
    P['pci'] extends { readonly hostBridgeP2P: infer H } ? Flag<H> : false,
    SwitchesOf<Pci<P>>,
    AcsOf<Pci<P>>,
    MaybeAcsOf<Pci<P>>
  >
  device: DeviceFacts<Ds['at'] extends string ? Ds['at'] : '', NotFalse<Ds['coherent']>, NotFalse<Ds['trusted']>, NotFalse<Ds['pci']>, MinAlignOf<Ds>>
  ctx: Ctx<
    F['kernel'],
    F['granule'],
    N,
    D['coherent'],
    P2pTable<F, D>,
    Strategies<F, N, D>,
    Attrs<AttrWhy<F, N>>,
    HostSync<F, D>,
    { readonly [S in Strategy]: Accepted<S, F, D> },
    OwnRoute<F, D>,
    OkTx<Strategies<F, N, D>>,
    AttrWhy<F, N>,
    RegionVerdicts<F['mode'], F['kernel'], F['coco'], Untrusted<D>>,
    Untrusted<D>,
    D['minAlign']
  >
  attrWhy: AttrTable<
    r9.AttrGate<'DMA_ATTR_MMIO', 'attr-mmio', F['kernel'], N>,
    r9.AttrGate<'DMA_ATTR_REQUIRE_COHERENT', 'attr-require-coherent', F['kernel'], N>,
    r9.AttrGate<'DMA_ATTR_DEBUGGING_IGNORE_CACHELINES', 'attr-require-coherent', F['kernel'], N>
  >
  // Each cell is its rule's own type-level check (src/plan/rules/r1, r5, r9).
  strategies: StrategyTable<
    r1.IovaVerdict<F['mode'], F['kernel'], N>,
    // p2p-bus maps through the scatterlist helpers, which every modelled release has.
    'ok',
    r9.FeatureGate<'strategy hmm', 'hmm-dma', F['kernel'], N, r6.HmmGranuleVerdict<F['mode'], F['granule'], N, r5.HmmDeviceVerdict<N, D['coherent'], F['coco']>>>,
    r9.FeatureGate<'strategy blk', 'blk-dma-iter', F['kernel'], N>
  >
}

export type ToPlatformFacts<P extends PlatformSpec> = Closed<P, {}, PlatformFacts, string, DeviceFacts>['platform']

/** What a device() spec says, as literals. At is its switch ('' for a root port of its own); MinAlign its min_align_mask (number when not a literal). */
export interface DeviceFacts<
  At extends string = string,
  Coherent extends boolean = boolean,
  Trusted extends boolean = boolean,
  IsPci extends boolean = boolean,
  MinAlign extends number = number,
> {
  readonly at: At
  readonly coherent: Coherent
  readonly trusted: Trusted
  readonly pci: IsPci
  readonly minAlign: MinAlign
}

/** The spec's min_align_mask: 0 when omitted, number (unknown) when not a literal. */
type MinAlignOf<Ds extends DeviceSpec> = Ds extends { readonly minAlignMask: infer M extends number } ? M : 0

export type ToDeviceFacts<D extends DeviceSpec> = Closed<PlatformSpec, D, PlatformFacts, string, DeviceFacts>['device']

/** The sentence of the rule each strategy breaks on this platform and device, or 'ok' (R1, R5, R9). */
export interface StrategyTable<
  Iova extends string = string,
  P2pBus extends string = string,
  Hmm extends string = string,
  Blk extends string = string,
> extends Readonly<Record<Exclude<Strategy, Gated>, 'ok'>> {
  readonly iova: Iova
  readonly 'p2p-bus': P2pBus
  readonly hmm: Hmm
  readonly blk: Blk
}

/** The strategies a platform or device can refuse; every other strategy of src/strategies is 'ok' everywhere. */
type Gated = 'iova' | 'p2p-bus' | 'hmm' | 'blk'

/**
 * Everything a plan's rules need about the platform and the device that does
 * the DMA, with the verdicts that depend on nothing else computed once.
 *
 * P2p holds one entry per location a P2P provider can sit at:
 * `${switch or 'root-port'}=${kind}`, where an unreachable kind carries its
 * reason: 'p2p-unsupported/no-common-switch'.
 * HostSync says when host memory makes CPU and device views differ: 'b' it
 * always bounces, 'a' unaligned ranges bounce, 'y' the device is not
 * coherent, 'n' never.
 */
export interface Ctx<
  Kernel extends KernelVersion = KernelVersion,
  Gran extends Granule = Granule,
  Dev extends string = string,
  Coherent extends boolean = boolean,
  P2p extends string = string,
  Strategies extends StrategyTable = StrategyTable,
  Attrs extends DmaAttr = DmaAttr,
  HostSync extends 'b' | 'y' | 'a' | 'n' = 'b' | 'y' | 'a' | 'n',
  Accept extends AcceptTable = AcceptTable,
  Own extends string = string,
  Ok extends string = string,
  AttrWhy extends AttrTable = AttrTable,
  Verdicts extends RegionVerdicts<IommuMode, KernelVersion> = RegionVerdicts<IommuMode, KernelVersion>,
  IsUntrusted extends boolean = boolean,
  MinAlign extends number = number,
> {
  readonly kernel: Kernel
  readonly granule: Gran
  readonly dev: Dev
  readonly coherent: Coherent
  readonly p2p: P2p
  readonly strategy: Strategies
  readonly attrs: Attrs
  readonly hostSync: HostSync
  readonly accept: Accept
  /** The kind of the device's own BAR memory (with the reason when unreachable). */
  readonly own: Own
  /** Every `${strategy}:${dir}` that maps without breaking R1, R5, R7 or R9: one membership test decides a transaction's options. */
  readonly ok: Ok
  /** Per DMA attribute, the R9 sentence when the target kernel lacks it, never when it has it. */
  readonly attrWhy: AttrWhy
  /** Each strategy's verdict on each memory kind on this platform (verdicts.ts RegionVerdicts), computed once. */
  readonly verdicts: Verdicts
  /** The device is untrusted (the spec says trusted: false); false also when the compiler cannot see it. */
  readonly untrusted: IsUntrusted
  /** The device's min_align_mask as declared (number when not a literal); setMinAlignMask() steps change it (type-facts.ts a:M). */
  readonly minAlign: MinAlign
}

/** The R9 sentence of each DMA attribute the target kernel lacks (never for one it has). */
export interface AttrTable<Mmio extends string = string, RequireCoherent extends string = string, IgnoreCachelines extends string = string> {
  readonly DMA_ATTR_WEAK_ORDERING: never
  readonly DMA_ATTR_SKIP_CPU_SYNC: never
  readonly DMA_ATTR_NO_WARN: never
  readonly DMA_ATTR_PRIVILEGED: never
  readonly DMA_ATTR_MMIO: Mmio
  readonly DMA_ATTR_REQUIRE_COHERENT: RequireCoherent
  readonly DMA_ATTR_DEBUGGING_IGNORE_CACHELINES: IgnoreCachelines
}

/**
 * Where the memory each strategy maps without breaking a rule of the kind
 * table (verdicts.ts) can be: 'ram', 'encrypted', or a P2P provider's location.
 */
export type AcceptTable = { readonly [S in Strategy]: string }

// ---- P2P routes (calc_map_type_and_dist, docs/memory-kinds.md) ------------------------------

/** Switches from a location up to its root port (bounded, so a cycle cannot recurse forever). */
type Path<Sw extends string, At extends string, Acc extends string[] = []> = At extends ''
  ? Acc
  : Acc['length'] extends 8
    ? Acc
    : // Extract first: matching against the whole table would split the walk over its entries.
      Extract<Sw, `${At}>${string}`> extends `${At}>${infer Up}`
      ? Path<Sw, Up, [...Acc, At]>
      : Acc

/** The path up to and including the first switch that is also in `Other`. */
type UpToCommon<P extends string[], Other extends string> = P extends [infer H extends string, ...infer T extends string[]]
  ? H extends Other
    ? [H]
    : [H, ...UpToCommon<T, Other>]
  : []

/** Through the root complex: works on an allowed host bridge; 'unknown' when the compiler cannot see whether it is. */
type HostRoute<F extends PlatformFacts, W extends P2pUnreachable> = [F['hostBridge']] extends [true]
  ? 'p2p-host-bridge'
  : [F['hostBridge']] extends [false]
    ? `p2p-unsupported/${W}`
    : 'unknown'

/** Below a common switch: bus address unless a port on the way redirects (or may redirect: then unknown unless both answers agree). */
type CommonRoute<F extends PlatformFacts, Ports extends string> = [Extract<Ports, F['acs']>] extends [never]
  ? [Extract<Ports, F['maybeAcs']>] extends [never]
    ? 'p2p-bus'
    : 'unknown'
  : HostRoute<F, 'acs-redirect'>

/** The kind of P2P memory at `At` for the plan's device (calc_map_type_and_dist). */
type Route<F extends PlatformFacts, At extends string, D extends DeviceFacts> = [F['coco']] extends [true]
  ? 'p2p-unsupported/coco'
  : [F['coco']] extends [false]
    ? D['pci'] extends false
      ? 'p2p-unsupported/not-pci'
      : Path<F['switches'], At> extends infer Up extends string[]
        ? Path<F['switches'], D['at']> extends infer Down extends string[]
          ? [Extract<Up[number], Down[number]>] extends [never]
            ? HostRoute<F, 'no-common-switch'>
            : UpToCommon<Up, Down[number]> extends infer U1 extends string[]
              ? CommonRoute<F, U1[number] | UpToCommon<Down, U1[number]>[number]>
              : never
          : never
        : never
    : 'unknown'

/** A device's own BAR: a bus address (distance 0), unless P2P is off altogether. */
type OwnRoute<F extends PlatformFacts, D extends DeviceFacts> = [F['coco']] extends [true]
  ? 'p2p-unsupported/coco'
  : [F['coco']] extends [false]
    ? D['pci'] extends false
      ? 'p2p-unsupported/not-pci'
      : 'p2p-bus'
    : 'unknown'

/** The platform's switch names (distributes over the table, so no switches gives never). */
export type SwitchNames<Sw extends string> = Sw extends `${infer S}>${string}` ? S : never
type Locations<F extends PlatformFacts> = SwitchNames<F['switches']> | 'root-port'
type P2pTable<F extends PlatformFacts, D extends DeviceFacts> = Locations<F> extends infer L extends string
  ? L extends string
    ? `${L}=${Route<F, L extends 'root-port' ? '' : L, D>}`
    : never
  : never

/** The kernel is V or later (R9's test). */
type AtLeast<F extends PlatformFacts, V extends KernelVersion> = r9.TargetsAtLeast<F['kernel'], V>

type Strategies<F extends PlatformFacts, N extends string, D extends DeviceFacts> = Closed<PlatformSpec, {}, F, N, D>['strategies']

/**
 * The strategies the table allows, with the directions each can map:
 * hmm_dma_map_pfn() maps every page DMA_BIDIRECTIONAL (R7), a block request
 * one way (R10, src/plan/rules/r10-blk-one-way.ts).
 */
type OkTx<T extends StrategyTable> = {
  [St in Strategy]: T[St] extends 'ok' ? `${St}:${DescriptorOf[St]['perPage'] extends true ? 'bidirectional' : St extends 'blk' ? BlkDirections : Direction}` : never
}[Strategy]

/**
 * Places of a memory kind on this platform for device N: 'ram', 'encrypted',
 * or the location of a P2P provider. Literals only (a template literal type
 * would make the context open again). A device's own BAR is left to the
 * per-region check.
 */
type PlacesOf<K extends MemoryKind, F extends PlatformFacts, D extends DeviceFacts> =
  | (K extends 'normal' ? 'ram' : never)
  | (K extends 'encrypted' ? 'encrypted' : never)
  | (P2pTable<F, D> extends infer E ? (E extends `${infer L}=${K | 'unknown'}${'' | `/${string}`}` ? L : never) : never)

type Accepted<S extends Strategy, F extends PlatformFacts, D extends DeviceFacts> = PlacesOf<
  {
    [K in MemoryKind]: RegionVerdicts<F['mode'], F['kernel'], F['coco'], Untrusted<D>>[S][K] extends 'ok'
      ? K
      : RegionVerdicts<F['mode'], F['kernel'], F['coco'], Untrusted<D>>[S][K] extends 'mmio'
        ? AtLeast<F, Since<'attr-mmio'>> extends true
          ? K
          : never
        : never
  }[MemoryKind],
  F,
  D
>

type Since<K extends KernelFeature> = r9.Since<K>

type AttrWhy<F extends PlatformFacts, N extends string> = Closed<PlatformSpec, {}, F, N, DeviceFacts>['attrWhy']

/** The attributes the target kernel has: those without a sentence in the table. */
type Attrs<T extends AttrTable> = { [A in DmaAttr]: [T[A]] extends [never] ? A : never }[DmaAttr]

/** A device the spec says is untrusted (`trusted: false`); one it leaves open is judged at run time. */
type Untrusted<D extends DeviceFacts> = [D['trusted']] extends [false] ? true : false

/** See syncReason() in validate.ts: forced swiotlb on dma-direct bounces everything; an untrusted device behind the IOMMU bounces unaligned ranges. */
type HostSync<F extends PlatformFacts, D extends DeviceFacts> = [F['force'], F['mode']] extends [true, 'none' | 'passthrough']
  ? 'b'
  : [D['trusted'], F['mode']] extends [false, 'translated']
    ? 'a'
    : D['coherent'] extends false
      ? 'y'
      : 'n'

export type ToCtx<F extends PlatformFacts, N extends string, D extends DeviceFacts> = Closed<PlatformSpec, {}, F, N, D>['ctx']
