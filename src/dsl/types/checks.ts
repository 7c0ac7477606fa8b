/**
 * The rules (src/plan/rules/r*-*.ts) at the type level. Each rule's file
 * holds its own checks (R6, R7, R8, R11) or the table they read (the kind
 * table and the strategy table, from the strategy descriptors and the kernel
 * release table); this file puts them together, in the run-time walker's
 * order, and keeps the facts they read (src/plan/rules/type-facts.ts) up to
 * date as the plan is built. Each check is the parameter type of a
 * builder method: the argument's own type when the rule holds, the rule's
 * sentence (a string literal type) when it does not, so the compiler reports
 * "Type '"iova"' is not assignable to type '"R1: ..."'" at exactly the
 * argument that breaks the rule. The order of the checks is the run-time
 * validator's (src/plan/rules/validate.ts), so both name the same rule.
 *
 * Cost: every check is a membership test of a string literal in a union
 * (binary search in the compiler) or a table lookup; a sentence is built only
 * on the error path. The true branch of each check is the naked type
 * parameter, which is what inference needs; error branches are NoInfer so
 * inference does not walk into them. The compiler still takes the constraint
 * of each error branch at every call (to type the literals written there),
 * so error branches are lookups, intersections and position-keyed mapped
 * types, never a conditional type of their own: one there would be
 * evaluated for the generic call before the arguments are known.
 */
import type { DIRECTIONS, Direction, DmaAttr, Strategy } from '../../plan/ir.js'
import type { KernelVersion } from '../../plan/kernel.js'
import type * as m from '../../plan/rules/messages.js'
import type * as r10 from '../../plan/rules/r10-blk-one-way.js'
import type * as r11 from '../../plan/rules/r11-coherent-own-region.js'
import type * as r6 from '../../plan/rules/r6-iova-granule.js'
import type * as r7 from '../../plan/rules/r7-direction-ownership.js'
import type { Facts, State } from '../../plan/rules/type-facts.js'
import type * as names from '../../plan/names.js'
import type { StrategyList } from '../../strategies/index.js'
import type { MemoryKind, P2pUnreachable } from '../../plan/rules/messages.js'
import type { Uniform } from '../../plan/rules/verdicts.js'
import type * as r5 from '../../plan/rules/r5-encrypted-bounces.js'
import type { AnyRegion, Region, RegionSource } from '../region.js'
import type { Ctx } from './context.js'

// ---- memory kinds ------------------------------------------------------------------------

/** A region's kind for the plan's device; a device reaches its own BAR by bus address. */
export type KindOf<K extends RegionSource, C extends Ctx> = K extends 'ram'
  ? 'normal'
  : K extends 'encrypted'
    ? 'encrypted'
    : K extends `p2p:${C['dev']}@${string}`
      ? Unreason<C['own']>
      : K extends `p2p:${string}@${infer At}`
        ? P2pKind<C['p2p'], At>
        : never

/**
 * The kind in a route table entry. 'unknown' (a platform fact the compiler
 * cannot see) is not a MemoryKind, so every verdict below lets it pass.
 */
type Unreason<K extends string> = K extends `p2p-unsupported/${string}` ? 'p2p-unsupported' : K
type P2pKind<T extends string, At extends string> = T extends `${At}=${infer K}` ? Unreason<K> : never
type WhyOf<K extends RegionSource, C extends Ctx> = K extends `p2p:${C['dev']}@${string}`
  ? Reason<C['own']>
  : K extends `p2p:${string}@${infer At}`
    ? P2pWhy<C['p2p'], At>
    : never
type Reason<K extends string> = K extends `p2p-unsupported/${infer W extends P2pUnreachable}` ? W : never
type P2pWhy<T extends string, At extends string> = T extends `${At}=p2p-unsupported/${infer W extends P2pUnreachable}` ? W : never

type ProviderOf<K extends RegionSource> = K extends `p2p:${infer P}@${string}` ? P : ''

// ---- transaction options: R1, R5 (hmm), R7 (hmm), R9 -------------------------------------

/**
 * The sentence when the options check fails: the strategy table's own (R1,
 * R5, R9; every sentence starts with its rule id), or the direction's rule
 * when the strategy is allowed and only the direction is wrong (R7 for hmm,
 * R10 for blk). Lookups and intersections, not
 * a conditional type: the compiler takes the constraint of this branch at
 * every transaction (to type the strategy literal), and a conditional would
 * make it evaluate both of its branches for the generic call first.
 */
type StrategyError<St extends Strategy, D extends Direction, N extends string, C extends Ctx> =
  | DirectionRule<N, D, C['dev']>[St & keyof DirectionRule<N, D, C['dev']>][C['strategy'][St] & 'ok']
  | (C['strategy'][St] & `R${string}`)
interface DirectionRule<N extends string, D extends Direction, Dev extends string> {
  readonly hmm: { readonly ok: m.writeHmmBidirectionalMessage<N, D, Dev> }
  readonly blk: { readonly ok: r10.writeBlkOneWayMessage<N, Dev> }
}

/**
 * A strategy the platform and device allow (R1, R5, R9) with a direction it
 * can map (R7), or the rule's sentence: one membership test of
 * `${strategy}:${dir}` in the context's table. The direction is judged here
 * so that the dir property stays a plain type parameter.
 */
export type CheckStrategy<St extends string, D extends string, N extends string, C extends Ctx> = `${St}:${D}` extends C['ok']
  ? St
  : NoInfer<StrategyError<St & Strategy, D & Direction, N, C> | LiteralError<St, D>>

/** The directions as a sentence lists them. */
type DirectionList = names.JoinList<typeof DIRECTIONS>

/** The sentence for a strategy or a direction literal that is none (never for one that is). */
type LiteralError<St extends string, D extends string> =
  | names.writeNotOneOfMessage<'strategy', Exclude<St, Strategy>, StrategyList>
  | names.writeNotOneOfMessage<'dir', Exclude<D, Direction>, DirectionList>

/**
 * DMA attributes the target kernel has (R9), each wrong one replaced by the
 * rule's sentence. The verdict of an attribute is `A & attrs | attrWhy[A]`:
 * the attribute itself when the kernel has it, its sentence when it does not,
 * with no conditional type for the compiler to take the constraint of at
 * every transaction.
 */
export type CheckAttrs<A extends readonly DmaAttr[], C extends Ctx> = A[number] extends C['attrs']
  ? A
  : NoInfer<{ [I in keyof A & `${number}`]: (A[I] & C['attrs']) | C['attrWhy'][A[I]] }>

// ---- regions: R2-R6, R9 -------------------------------------------------------------------

/** The sentence for a cell of the kind table (built only when the cell is not 'ok'). */
type KindMessages<Rg extends AnyRegion, Kind extends MemoryKind, S extends Strategy, C extends Ctx> = {
  unreachable: m.writeP2pUnsupportedMessage<Rg['name'], ProviderOf<Rg['source']>, C['dev'], WhyOf<Rg['source'], C>>
  bus: m.writeBusAddressMessage<Rg['name'], ProviderOf<Rg['source']>, C['dev'], S>
  'bus-only': m.writeBusOnlyMessage<Rg['name'], Kind, C['dev']>
  'untrusted-sg': m.writeUntrustedBusAddressMessage<Rg['name'], ProviderOf<Rg['source']>, C['dev'], S>
  encrypted: m.writeEncryptedMessage<Rg['name'], C['dev'], S>
  'encrypted-iommu': r5.writeEncryptedIommuMessage<Rg['name'], C['dev'], S>
  'encrypted-iommu-alloc': r5.writeEncryptedIommuAllocMessage<Rg['name'], C['dev'], S, C['kernel']>
  'coherent-host': m.writeCoherentHostOnlyMessage<Rg['name'], Kind, C['dev']>
  mmio: 'DMA_ATTR_MMIO' extends C['attrs'] ? 'ok' : m.writeHostBridgeMmioMessage<Rg['name'], C['dev'], S, C['kernel']>
  ok: 'ok'
}

/** R2 then R6 (the granule, then an untrusted device's bounce), for strategies that keep one memory kind per transaction. */
type UniformVerdict<Rg extends AnyRegion, Kind extends MemoryKind, I, R extends readonly AnyRegion[], S extends Strategy, N extends string, C extends Ctx, F extends Facts> =
  KindOf<R[0]['source'], C> extends infer First extends MemoryKind
    ? Kind extends First
      ? S extends 'iova'
        ? r6.GranuleVerdict<Rg, I, R, C['granule'], N, C['dev']> extends infer G
          ? G extends 'ok'
            ? r6.BouncedVerdict<Rg, Kind, I, C['granule'], N, C['dev'], C['untrusted'], LinksMmio<C>, MinAlignAt<C, F>>
            : G
          : never
        : 'ok'
      : m.writeMixedKindsMessage<N, S, R[0]['name'], First, Rg['name'], Kind, C['dev']>
    : 'ok'

/** The kernel is known and links host-bridge P2P memory with DMA_ATTR_MMIO (an unknown one is left to the run time). */
type LinksMmio<C extends Ctx> = [KernelVersion] extends [C['kernel']] ? false : 'DMA_ATTR_MMIO' extends C['attrs'] ? true : false

/** The device's min_align_mask at this step: the last setMinAlignMask()'s, else the device's own. */
type MinAlignAt<C extends Ctx, F extends Facts> = [Extract<F, `a:${string}`>] extends [never]
  ? C['minAlign']
  : Extract<F, `a:${string}`> extends `a:${infer M extends number}`
    ? M
    : number

/** The first rule a region breaks in transaction N, or 'ok'. */
type RegionVerdict<Rg extends AnyRegion, I, R extends readonly AnyRegion[], S extends Strategy, N extends string, C extends Ctx, F extends Facts> =
  KindOf<Rg['source'], C> extends infer Kind extends MemoryKind
    ? KindMessages<Rg, Kind, S, C>[C['verdicts'][S][Kind]] extends infer V
      ? V extends 'ok'
        ? S extends Uniform
          ? UniformVerdict<Rg, Kind, I, R, S, N, C, F>
          : 'ok'
        : V
      : 'ok'
    : 'ok'

/**
 * The common case in a few lookups: every region's kind is accepted by the
 * strategy, a uniform transaction has one kind, an IOVA transaction has no
 * unaligned range. Anything else takes the per-region path.
 */
export type FastOk<R extends readonly AnyRegion[], S extends Strategy, C extends Ctx> = [R[number], S] extends [
  Region<string, 'ram', 'aligned' | 'unknown'>,
  Exclude<Strategy, 'p2p-bus'>,
]
  ? // Host memory on the granule: every strategy but p2p-bus maps it (the most common transaction, decided first), but coherent in a 7.3 guest behind an IOMMU.
    'ram' extends C['accept'][S]
    ? true
    : false
  : FastOkAnyMemory<R, S, C>

type FastOkAnyMemory<R extends readonly AnyRegion[], S extends Strategy, C extends Ctx> = [
  Place<R[number]['source'], C['dev']>,
  S extends Uniform ? R[number]['source'] : 0,
  S extends 'iova' ? R[number]['alignment'] : 'aligned',
] extends [C['accept'][S], S extends Uniform ? R[0]['source'] : 0, 'aligned' | 'unknown']
  ? true
  : false

/** Where a region's memory is ('ram', 'encrypted', a provider's location); a device's own BAR goes to the per-region check. */
type Place<K extends RegionSource, Dev extends string> = K extends `p2p:${infer P}@${infer L}` ? (P extends Dev ? 'own-bar' : L) : K

/** Region I, or the sentence of the first rule it breaks (R11 last, as at run time). */
type RegionCheck<R extends readonly AnyRegion[], I, S extends Strategy, N extends string, C extends Ctx, F extends Facts> =
  RegionVerdict<R[I & keyof R] & AnyRegion, I, R, S, N, C, F> extends infer V
    ? V extends 'ok'
      ? [r11.OtherOwner<NameAt<R, I>, S, F>] extends [never]
        ? R[I & keyof R]
        : r11.CoherentMessage<NameAt<R, I>, r11.OtherOwner<NameAt<R, I>, S, F>, N, C['dev']>[S extends 'coherent' ? 'alloc' : 'map']
      : V
    : never

type NameAt<R extends readonly AnyRegion[], I> = (R[I & keyof R] & AnyRegion)['name']

/**
 * Every region by position, each one that breaks a rule replaced by the
 * rule's sentence; the compiler checks the array literal against it element
 * by element, so the sentence sits under the offending region. Mapped over
 * the numeric keys rather than `keyof R`: the compiler types the array
 * literal with the apparent type of this branch, and a homomorphic mapped
 * type over an array-constrained R would be applied to that constraint,
 * building every region check for AnyRegion at every transaction.
 */
type RegionVerdicts<R extends readonly AnyRegion[], S extends Strategy, N extends string, C extends Ctx, F extends Facts> = {
  [I in keyof R & `${number}`]: RegionCheck<R, I, S, N, C, F>
}

/**
 * The regions of a transaction, with the rule's sentence in place of each
 * region that breaks one. The fast check decides the common case; the
 * per-region verdicts are behind NoInfer, so inference never builds them.
 */
export type CheckRegions<R extends readonly AnyRegion[], S extends Strategy, N extends string, C extends Ctx, F extends Facts> = [
  FastOk<R, S, C> | ([r11.Clashes<R[number]['name'], S, F>] extends [never] ? true : false),
] extends [true]
  ? R
  : NoInfer<RegionVerdicts<R, S, N, C, F>>

// ---- what a transaction adds to the facts ----------------------------------------------------

/**
 * The sync facts of a transaction (see syncReason() in validate.ts): y the
 * views differ until a sync, b because it bounces. Kinds only, so that the
 * name is spliced in once.
 */
type SyncKinds<S extends Strategy, R extends readonly AnyRegion[], C extends Ctx> = S extends 'coherent' | 'p2p-bus'
  ? never
  : 'encrypted' extends R[number]['source']
    ? 'y' | 'b'
    : 'ram' extends R[number]['source']
      ? {
          b: 'y' | 'b'
          y: 'y'
          n: never
          a: [Exclude<Extract<R[number], { readonly source: 'ram' }>['alignment'], 'aligned' | 'unknown'>] extends [never]
            ? C['coherent'] extends false
              ? 'y'
              : never
            : 'y' | 'b'
        }[C['hostSync']]
      : never

export type TxFacts<N extends string, St extends Strategy, R extends readonly AnyRegion[], C extends Ctx> =
  | `t:${N}`
  | `s:${N}:${St}`
  | `m:${N}:${R[number]['name']}`
  | `${St extends 'coherent' ? 'ca' : 'dm'}:${R[number]['name']}:${N}`
  | `${SyncKinds<St, R, C>}:${N}`

// ---- steps: R7, R8 (their files hold the checks) -----------------------------------------

export type { Facts, State }
// The builder passes its context's device to these (C['dev']): no alias of its own per step.
export type { CheckNewTx, CheckLive, CheckMaskChange, CheckMember, CheckHmm, CheckIova, Unfinished, DmaRuleError } from '../../plan/rules/r8-lifecycle.js'
export type { CheckDeviceWrite } from '../../plan/rules/r7-direction-ownership.js'

/** The device reads Rg through N (R7, R8). */
export type CheckDeviceRead<N extends string, Rg extends AnyRegion, F extends Facts, S extends State, C extends Ctx> = r7.CheckDeviceRead<N, Rg, F, S, C['dev']>

/** The CPU reads Rg (R7). */
export type CheckCpuRead<Rg extends AnyRegion, F extends Facts, S extends State, C extends Ctx> = r7.CheckCpuRead<Rg, F, S, C['dev']>

// ---- state updates --------------------------------------------------------------------------

/** What a new transaction adds to the state: it is live, with the directions it allows. */
export type Mapped<S extends State, N extends string, D extends Direction> = S | `${LiveFacts[D]}:${N}`

/** The live facts of a mapping in each direction (one lookup, no branch per step). */
interface LiveFacts {
  readonly 'to-device': 'l' | 'lr'
  readonly 'from-device': 'l' | 'lw'
  readonly bidirectional: 'l' | 'lr' | 'lw'
}

/** The device wrote Rg through N: the CPU must sync before it reads, where the views differ. */
export type DeviceDirty<S extends State, N extends string, Rg extends AnyRegion, F extends Facts> = `y:${N}` extends F ? S | `d:${N}:${Rg['name']}` : S

/** The CPU wrote Rg: every live transaction that maps it with differing views must sync for the device. */
export type CpuDirty<S extends State, Rg extends AnyRegion, F extends Facts> = S | CpuDirtyFacts<S, Rg['name'], F>

type CpuDirtyFacts<S extends State, R extends string, F extends Facts> = S extends `l:${infer N}`
  ? `m:${N}:${R}` extends F
    ? `y:${N}` extends F
      ? `c:${N}:${R}`
      : never
    : never
  : never

/** A sync of N (or of one of its regions) hands those regions over. */
export type Synced<S extends State, P extends 'd' | 'c', N extends string, Rg> = [Rg] extends [never]
  ? Exclude<S, `${P}:${N}:${string}`>
  : Exclude<S, `${P}:${N}:${Rg extends AnyRegion ? Rg['name'] : string}`>

/** setMinAlignMask(M): the static facts hold the device's mask from here on (a:M), in place of an earlier step's. */
export type MinAlignSet<F extends Facts, M extends number> = Exclude<F, `a:${string}`> | `a:${M}`

/** Unmapping N forgets everything about it; the static facts remember that it was unmapped. */
export type Unmapped<S extends State, N extends string> = Exclude<S, `l:${N}` | `lw:${N}` | `lr:${N}` | `k:${N}` | `d:${N}:${string}` | `c:${N}:${string}`>

