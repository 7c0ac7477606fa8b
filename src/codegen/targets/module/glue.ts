/**
 * The plan-specific C of the module target: one struct per transaction, the
 * driver's private struct, per-transaction map/unmap/sync functions that call
 * the template code, the plan's steps in order (run) with their unwinding,
 * the memory, and probe/remove. Everything goes through CWriter, so it comes
 * out in kernel style; the template sections it calls are collected in
 * `sections`.
 */
import { Ladder } from '../../c/ladder.js'
import type { Undo } from '../../c/ladder.js'
import type { CWriter } from '../../c/writer.js'
import { dirMacro, hexOf, noSyncReason, syncable } from '../../describe.js'
import { dmaSetCall, dmaSetExpr } from '../../dma-set.js'
import type { BufModel, CodegenModel, SliceModel, TxModel } from '../../model.js'
import type { CallSite, CallSpec } from '../../parts/part.js'
import type { EngineFlavour } from './flavour.js'
import type { Names } from './names.js'
import { unreachable } from '../../../plan/unreachable.js'

/** What the plan uses of each transaction, to emit only the functions that are called. */
interface TxUse {
  unmap: boolean
  syncForCpu: boolean
  syncForDevice: boolean
  fault: boolean
  invalidate: boolean
  unlink: boolean
}

export class Glue {
  readonly sections = new Set<string>(['common.types', 'common.tx_init'])
  readonly #use = new Map<TxModel, TxUse>()

  constructor(
    readonly m: CodegenModel,
    readonly n: Names,
    /** The flavour's device engine, which the glue tells about every buffer, map and unmap. */
    readonly engine?: EngineFlavour,
  ) {
    for (const t of m.txs) this.#use.set(t, { unmap: false, syncForCpu: false, syncForDevice: false, fault: false, invalidate: false, unlink: false })
    const use = (t: TxModel) => this.#use.get(t) as TxUse
    for (const a of m.actions) {
      if (a.op === 'unmap') use(a.tx).unmap = true
      if (a.op === 'map' || a.op === 'fault') for (const t of a.cleanup) use(t).unmap = true
      if (a.op === 'fault') use(a.tx).unmap = true
      if (a.op === 'sync' && this.#syncSlices(a.tx).length > 0) use(a.tx)[a.to === 'cpu' ? 'syncForCpu' : 'syncForDevice'] = true
      if (a.op === 'fault') use(a.tx).fault = true
      if (a.op === 'invalidate') use(a.tx).invalidate = true
      if (a.op === 'unlink') use(a.tx).unlink = true
    }
    for (const t of m.kept) use(t).unmap = true
  }

  get usesBlk(): boolean {
    return this.m.txs.some((t) => t.slices.some((s) => s.part.request === true))
  }

  /** Transactions whose DMA view goes page by page (HMM mirrors). */
  get paged(): TxModel[] {
    return this.m.txs.filter((t) => t.slices.some((s) => s.part.pages !== undefined))
  }

  #syncSlices(t: TxModel): SliceModel[] {
    return t.slices.filter(syncable)
  }

  #site(t: TxModel, s: SliceModel): CallSite {
    return { dev: 'pd->dev', tx: '&t->tx', state: `&t->${s.field}`, slice: s, txm: t, queue: 'pd->queue.q' }
  }

  #local(w: CWriter, t: TxModel): void {
    w.assign(`${this.n.txType(t.name)} *t`, `&pd->${this.n.txField(t.name)}`)
  }

  static call(w: CWriter, head: string, c: CallSpec, suffix = ');'): void {
    w.call(`${head}${c.fn}`, c.args, suffix)
  }

  // ---- types ----------------------------------------------------------------

  txStructs(w: CWriter): void {
    for (const t of this.m.txs) {
      w.blank()
      w.comment(`Transaction ${t.name}: ${t.bufs.map((b) => b.name).join(', ')}, ${dirMacro(t.dir)}. ${strategySummary(t)}.`)
      w.block(this.n.txType(t.name), () => {
        w.line('struct dmaplan_tx tx;')
        w.line(`struct dmaplan_buf *buf[${t.bufs.length}];`)
        w.line(`struct dmaplan_seg seg[${t.segs}];`)
        for (const s of t.slices) w.decl(s.part.ctype, s.field)
      }, ';')
    }
  }

  devStruct(w: CWriter): void {
    w.blank()
    w.block(this.n.dev, () => {
      w.line('struct device *dev;')
      if (this.engine !== undefined) w.line('struct dmaplan_engine engine;')
      if (this.usesBlk) w.line('struct dmaplan_queue queue;')
      for (const p of this.m.peers) w.decl('struct pci_dev', `*${this.n.peerField(p.name)}`)
      for (const b of this.m.bufs) w.decl('struct dmaplan_buf', this.n.bufField(b.name))
      for (const t of this.m.txs) w.decl(this.n.txType(t.name), this.n.txField(t.name))
    }, ';')
  }

  // ---- per transaction ------------------------------------------------------

  txFunctions(w: CWriter): void {
    for (const t of this.m.txs) {
      const use = this.#use.get(t) as TxUse
      this.#map(w, t)
      if (use.unmap) this.#unmap(w, t)
      if (use.syncForCpu) this.#sync(w, t, 'cpu')
      if (use.syncForDevice) this.#sync(w, t, 'device')
      if (use.fault) this.#page(w, t, 'fault')
      if (use.invalidate) this.#page(w, t, 'invalidate')
      if (use.unlink) this.#unlink(w, t)
    }
  }

  /** The plan unlinks buffers of some transaction (the iova part's unlink bitmap is compiled in). */
  get usesUnlink(): boolean {
    return this.m.actions.some((a) => a.op === 'unlink')
  }

  #unlink(w: CWriter, t: TxModel): void {
    const s = t.slices.find((x) => x.part.unlink !== undefined)
    const unlink = s?.part.unlink
    if (s === undefined || unlink === undefined) throw new Error(`transaction ${t.name} has nothing to unlink`)
    this.sections.add(unlink.section)
    w.blank()
    w.fn({ head: `static void ${this.n.txFn(t.name, 'unlink')}`, params: [`${this.n.dev} *pd`, 'unsigned int i'] }, () => {
      this.#local(w, t)
      w.blank()
      Glue.call(w, '', unlink.call(this.#site(t, s), 'i'))
    })
  }

  #map(w: CWriter, t: TxModel): void {
    for (const s of t.slices) this.sections.add(s.part.map.section)
    w.blank()
    w.fn({ head: `static int ${this.n.txFn(t.name, 'map')}`, params: [`${this.n.dev} *pd`] }, () => {
      this.#local(w, t)
      const [only] = t.slices
      if (t.slices.length === 1 && only !== undefined) {
        w.blank()
        Glue.call(w, 'return ', only.part.map.call(this.#site(t, only)))
        return
      }
      w.line('int ret;')
      w.blank()
      const ladder = new Ladder<SliceModel>((s) => s.field)
      const jumps: (() => string)[] = []
      const mapped: Undo<SliceModel>[] = []
      for (const s of t.slices) {
        this.sections.add(s.part.unmap.section)
        Glue.call(w, 'ret = ', s.part.map.call(this.#site(t, s)))
        const jump = ladder.failure([...mapped].reverse())
        jumps.push(jump)
        w.if('ret', `\u0000${jumps.length - 1}`)
        const u = s.part.unmap.call(this.#site(t, s))
        mapped.push({ item: s, stem: `unmap_${s.field}`, stmt: `${u.fn}(${u.args.join(', ')});` })
      }
      this.#succeed(w, ladder, jumps)
    })
  }

  #unmap(w: CWriter, t: TxModel): void {
    w.blank()
    w.fn({ head: `static void ${this.n.txFn(t.name, 'unmap')}`, params: [`${this.n.dev} *pd`] }, () => {
      this.#local(w, t)
      w.blank()
      if (this.engine !== undefined) {
        this.sections.add(`${this.engine.template}.unmapping`)
        w.line('dmaplan_engine_unmapping(&pd->engine, &t->tx);')
      }
      for (const s of [...t.slices].reverse()) {
        this.sections.add(s.part.unmap.section)
        Glue.call(w, '', s.part.unmap.call(this.#site(t, s)))
      }
    })
  }

  /** Whether the transaction's sync function takes the buffers to sync. */
  #ranged(t: TxModel): boolean {
    return this.#syncSlices(t).some((s) => s.part.sync?.ranged === true)
  }

  #sync(w: CWriter, t: TxModel, to: 'cpu' | 'device'): void {
    const params = [`${this.n.dev} *pd`, ...(this.#ranged(t) ? ['unsigned int first', 'unsigned int count'] : [])]
    w.blank()
    w.fn({ head: `static void ${this.n.txFn(t.name, to === 'cpu' ? 'sync_for_cpu' : 'sync_for_device')}`, params }, () => {
      this.#local(w, t)
      w.blank()
      for (const s of this.#syncSlices(t)) {
        const sync = s.part.sync
        if (sync === undefined) continue
        for (const id of sync.sections(this.m.kernel)) this.sections.add(id)
        Glue.call(w, '', sync.call(this.#site(t, s), to, 'first', 'count'))
      }
    })
  }

  #page(w: CWriter, t: TxModel, op: 'fault' | 'invalidate'): void {
    const s = t.slices.find((x) => x.part.pages !== undefined)
    const pages = s?.part.pages
    if (s === undefined || pages === undefined) throw new Error(`transaction ${t.name} has no pages to ${op}`)
    this.sections.add(op === 'fault' ? pages.faultSection : pages.invalidateSection)
    w.blank()
    const ret = op === 'fault' ? 'int' : 'void'
    w.fn({ head: `static ${ret} ${this.n.txFn(t.name, op)}`, params: [`${this.n.dev} *pd`, 'size_t idx'] }, () => {
      this.#local(w, t)
      w.blank()
      const call = op === 'fault' ? pages.fault(this.#site(t, s), 'idx') : pages.invalidate(this.#site(t, s), 'idx')
      Glue.call(w, op === 'fault' ? 'return ' : '', call)
    })
  }

  // ---- the plan's steps -----------------------------------------------------

  run(w: CWriter): void {
    const n = this.n
    const ladder = new Ladder<TxModel>((t) => t.name)
    const undo = (t: TxModel): Undo<TxModel> => ({ item: t, stem: `unmap_${t.name}`, stmt: `${n.txFn(t.name, 'unmap')}(pd);` })
    const jumps: (() => string)[] = []
    const fails = this.m.actions.some((a) => a.op === 'map' || a.op === 'fault' || (a.op === 'dma-set' && dmaSetCall(a.step).fallible))
    w.blank()
    w.comment(
      this.m.kept.length > 0
        ? `The plan's steps, in order. Transactions it keeps stay mapped until ${n.fn('release')}() at unbind.`
        : "The plan's steps, in order; a failing step unmaps what is mapped.",
    )
    w.fn({ head: `static int ${n.fn('run')}`, params: [`${n.dev} *pd`] }, () => {
      if (fails) {
        w.line('int ret;')
        w.blank()
      }
      for (const a of this.m.actions) {
        switch (a.op) {
          case 'map':
          case 'fault': {
            const call = a.op === 'map' ? `${n.txFn(a.tx.name, 'map')}(pd);` : `${n.txFn(a.tx.name, 'fault')}(pd, ${a.index});`
            w.line(`ret = ${call}`)
            if (this.engine !== undefined && a.op === 'map') {
              this.sections.add(`${this.engine.template}.mapped`)
              w.line(`dmaplan_engine_mapped(&pd->engine, &pd->${n.txField(a.tx.name)}.tx, ret);`)
            }
            if (this.engine !== undefined && a.op === 'fault') {
              this.sections.add(`${this.engine.template}.fault`)
              w.line(`dmaplan_engine_fault(&pd->engine, &pd->${n.txField(a.tx.name)}.tx, ${a.index}, ret);`)
            }
            jumps.push(ladder.failure(a.cleanup.map(undo)))
            w.if('ret', `\u0000${jumps.length - 1}`)
            break
          }
          case 'device':
            this.sections.add('hooks.device_access')
            w.call('dmaplan_device_access', [this.#hookTarget, `&pd->${n.txField(a.tx.name)}.tx`, hexOf(a.offset), hexOf(a.bytes), a.write ? 'true' : 'false'], ');')
            break
          case 'cpu':
            this.sections.add('hooks.cpu_access')
            w.call('dmaplan_cpu_access', [this.#hookTarget, `&pd->${n.bufField(a.buf.name)}`, hexOf(a.offset), hexOf(a.bytes), a.write ? 'true' : 'false'], ');')
            break
          case 'sync': {
            const fn = n.txFn(a.tx.name, a.to === 'cpu' ? 'sync_for_cpu' : 'sync_for_device')
            if (this.#syncSlices(a.tx).length === 0) w.comment(`${a.tx.name} needs no sync for the ${a.to === 'cpu' ? 'CPU' : 'device'}: ${noSyncReason(a.tx)}.`)
            else if (this.#ranged(a.tx)) w.line(`${fn}(pd, ${a.first}, ${a.count});`)
            else w.line(`${fn}(pd);`)
            break
          }
          case 'invalidate':
            w.line(`${n.txFn(a.tx.name, 'invalidate')}(pd, ${a.index});`)
            if (this.engine !== undefined) {
              this.sections.add(`${this.engine.template}.invalidated`)
              w.line(`dmaplan_engine_invalidated(&pd->engine, &pd->${n.txField(a.tx.name)}.tx, ${a.index});`)
            }
            break
          case 'unlink':
            w.line(`${n.txFn(a.tx.name, 'unlink')}(pd, ${a.index});`)
            if (this.engine !== undefined) {
              this.sections.add(`${this.engine.template}.unlinked`)
              w.line(`dmaplan_engine_unlinked(&pd->engine, &pd->${n.txField(a.tx.name)}.tx, ${a.index});`)
            }
            break
          case 'unmap':
            w.line(`${n.txFn(a.tx.name, 'unmap')}(pd);`)
            break
          case 'keep':
            w.comment(`${a.tx.name} stays mapped until the driver is unbound.`)
            break
          case 'wait':
            w.line(`fsleep(${a.ms * 1000});`)
            break
          case 'dma-set': {
            const call = dmaSetCall(a.step)
            if (!call.fallible) {
              w.line(`${dmaSetExpr(call, 'pd->dev')};`)
              break
            }
            w.line(`ret = ${dmaSetExpr(call, 'pd->dev')};`)
            jumps.push(ladder.failure(a.cleanup.map(undo)))
            w.if('ret', `\u0000${jumps.length - 1}`)
            break
          }
          default:
            unreachable(a)
        }
      }
      this.#succeed(w, ladder, jumps)
    })
  }

  /** The hooks' first argument: the device, or the flavour's engine that drives it. */
  get #hookTarget(): string {
    return this.engine !== undefined ? '&pd->engine' : 'pd->dev'
  }

  get waits(): boolean {
    return this.m.actions.some((a) => a.op === 'wait')
  }

  release(w: CWriter): void {
    if (this.m.kept.length === 0) return
    w.blank()
    w.comment('Unmap what the plan keeps mapped, latest first.')
    w.fn({ head: `static void ${this.n.fn('release')}`, params: [`${this.n.dev} *pd`] }, () => {
      for (const t of this.m.kept) w.line(`${this.n.txFn(t.name, 'unmap')}(pd);`)
    })
  }

  // ---- memory ---------------------------------------------------------------

  #allocated(): BufModel[] {
    return this.m.bufs.filter((b) => b.alloc !== 'coherent')
  }

  alloc(w: CWriter): void {
    const n = this.n
    const ladder = new Ladder<string>((x) => x)
    const held: Undo<string>[] = []
    const jumps: (() => string)[] = []
    w.blank()
    w.comment("The plan's memory, and each transaction's buffers.")
    w.fn({ head: `static int ${n.fn('alloc')}`, params: [`${n.dev} *pd`] }, () => {
      // Only a failure after something is held needs ret (the first one returns directly).
      const failing = this.m.peers.length > 1 || this.#allocated().length > 0
      if (failing) {
        w.line('int ret;')
        w.blank()
      }
      for (const p of this.m.peers) {
        this.sections.add('common.peer')
        const field = `pd->${n.peerField(p.name)}`
        w.call(`${field} = dmaplan_get_peer`, ['pd->dev', `"${p.name}"`, n.peerParam(p.name)], ');')
        if (held.length === 0) {
          w.if(`IS_ERR(${field})`, `return PTR_ERR(${field});`)
        } else {
          w.block(`if (IS_ERR(${field}))`, () => {
            w.line(`ret = PTR_ERR(${field});`)
            jumps.push(ladder.failure([...held].reverse()))
            w.line(`\u0000${jumps.length - 1}`)
          })
        }
        held.push({ item: `peer ${p.name}`, stem: `put_${p.name}`, stmt: `pci_dev_put(${field});` })
      }
      for (const b of this.m.bufs) {
        const field = `&pd->${n.bufField(b.name)}`
        if (b.alloc === 'coherent') {
          this.sections.add('common.coherent_buf')
          w.call('dmaplan_coherent_buf', [field, `"${b.name}"`, hexOf(b.offset), hexOf(b.bytes)], ');')
          continue
        }
        const { fn, args, free } = allocCall(b, field, (p) => `pd->${n.peerField(p)}`)
        this.sections.add(`common.${fn === 'dmaplan_shared_alloc' ? 'shared' : fn === 'dmaplan_p2p_alloc' ? 'p2p' : 'ram'}`)
        w.call(`ret = ${fn}`, args, ');')
        jumps.push(ladder.failure([...held].reverse()))
        w.if('ret', `\u0000${jumps.length - 1}`)
        held.push({ item: `buf ${b.name}`, stem: `free_${b.name}`, stmt: `${free}(${field});` })
      }
      for (const t of this.m.txs) {
        const tx = `pd->${n.txField(t.name)}`
        w.blank()
        w.call('dmaplan_tx_init', [`&${tx}.tx`, `"${t.name}"`, `${tx}.buf`, `${t.bufs.length}`, `${tx}.seg`, `${t.segs}`, dirMacro(t.dir)], ');')
        t.bufs.forEach((b, i) => w.line(`${tx}.buf[${i}] = &pd->${n.bufField(b.name)};`))
      }
      this.#succeed(w, ladder, jumps)
    })
  }

  free(w: CWriter): void {
    const n = this.n
    const stmts: string[] = []
    for (const p of this.m.peers) stmts.push(`pci_dev_put(pd->${n.peerField(p.name)});`)
    for (const b of this.#allocated()) stmts.push(`${allocCall(b, '', () => '').free}(&pd->${n.bufField(b.name)});`)
    w.blank()
    w.fn({ head: `static void ${n.fn('free')}`, params: [`${n.dev} *pd`] }, () => {
      for (const s of stmts.reverse()) w.line(s)
    })
  }

  /**
   * End a function that unwinds on failure: return 0, then the ladder of
   * error labels, then the placeholders of jumps (`\0<i>`) replaced now that
   * the labels are known.
   */
  #succeed<T>(w: CWriter, ladder: Ladder<T>, jumps: readonly (() => string)[]): void {
    ladder.seal()
    w.line('return 0;')
    if (!ladder.empty) {
      w.blank()
      ladder.write(w)
    }
    w.replace(/\u0000(\d+)/, (i) => (jumps[Number(i)] as () => string)())
  }
}

/** The buffer's memory kind for the device, as the C's enum dmaplan_mem. */
const MEM: Readonly<Record<BufModel['kind'], string>> = {
  normal: 'DMAPLAN_MEM_HOST',
  encrypted: 'DMAPLAN_MEM_PRIVATE',
  'p2p-bus': 'DMAPLAN_MEM_BUS',
  'p2p-host-bridge': 'DMAPLAN_MEM_MMIO',
  // Rule R4 keeps unreachable memory out of every transaction; it is still allocated.
  'p2p-unsupported': 'DMAPLAN_MEM_MMIO',
}

function allocCall(b: BufModel, field: string, peer: (device: string) => string): { fn: string; args: string[]; free: string } {
  const where = [hexOf(b.offset), hexOf(b.bytes)]
  switch (b.alloc) {
    case 'p2p':
      return { fn: 'dmaplan_p2p_alloc', args: [field, `"${b.name}"`, MEM[b.kind], peer(b.peer ?? ''), ...where], free: 'dmaplan_p2p_free' }
    case 'shared':
      return { fn: 'dmaplan_shared_alloc', args: [field, `"${b.name}"`, ...where], free: 'dmaplan_shared_free' }
    case 'ram':
    case 'coherent':
      return { fn: 'dmaplan_ram_alloc', args: [field, `"${b.name}"`, MEM[b.kind], ...where], free: 'dmaplan_ram_free' }
    default:
      return unreachable(b.alloc)
  }
}

function strategySummary(t: TxModel): string {
  const slices = t.slices.map((s) => `${s.part.summary}: ${t.bufs.slice(s.first, s.first + s.count).map((b) => b.name).join(', ')}`)
  const parts = t.slices.length === 1 ? (t.slices[0]?.part.summary ?? '') : slices.join('; ')
  return `${t.strategy}: ${parts}`
}
