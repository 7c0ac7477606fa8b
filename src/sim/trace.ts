/**
 * The record of driver-visible kernel calls, in order, with arguments and
 * results, and the fault injector that makes the k-th fallible call fail.
 *
 * Per-page loops (HMM populate, unlink of many pages) would record millions
 * of identical calls; consecutive calls of one function that a caller marks
 * as a loop are folded into one record with a repeat count and the last
 * call's arguments, so the trace stays proportional to the plan, not to the
 * number of pages.
 */
export type ArgValue = bigint | number | string | boolean | null
export type Args = Readonly<Record<string, ArgValue>>

export interface KernelCall {
  readonly seq: number
  readonly fn: string
  readonly tx: string | undefined
  /** The plan step that made the call; undefined for calls after the last step (unbind). */
  readonly step: number | undefined
  readonly args: Args
  ret: ArgValue
  /** The errno the call reported (or that its result stands for). */
  errno?: string
  /** The fault injector made this call fail. */
  injected?: boolean
  /** Folded loop: how many calls this record stands for, and the last one. */
  repeat?: { count: number; lastArgs: Args; lastRet: ArgValue }
}

export class Trace {
  readonly calls: KernelCall[] = []
  tx: string | undefined
  step: number | undefined
  #seq = 0
  #fallible = 0
  #failAt: number | undefined
  #injectedCall: number | undefined
  /** The loop record the next call may fold into. */
  #loop: { fn: string; rec: KernelCall } | undefined
  #lastTake: { before: number; injectedBefore: number | undefined } | undefined

  constructor(failAt?: number) {
    this.#failAt = failAt
  }

  /** Number of fallible calls so far (the fault injector's counter). */
  get fallibleCalls(): number {
    return this.#fallible
  }

  /** The seq the call being made will have: a call is recorded when it returns. */
  get nextSeq(): number {
    return this.#seq + 1
  }

  get injectedAt(): number | undefined {
    return this.#injectedCall
  }

  /**
   * Called at the start of a call that can fail: true when the injector
   * wants this one to fail. The call then fails before doing anything.
   */
  shouldFail(): boolean {
    this.#fallible++
    if (this.#failAt !== undefined && this.#fallible === this.#failAt) {
      this.#injectedCall = this.#seq + 1
      return true
    }
    return false
  }

  /**
   * A batch of n fallible calls (a per-page loop): how many of them succeed
   * before the injected failure (n when the injector does not hit the batch;
   * the failing call itself is then counted as made and injected).
   */
  takeFallible(n: number): number {
    const f = this.#failAt
    this.#lastTake = { before: this.#fallible, injectedBefore: this.#injectedCall }
    if (f !== undefined && f > this.#fallible && f <= this.#fallible + n) {
      const ok = f - this.#fallible - 1
      this.#fallible = f
      this.#injectedCall = this.#seq + ok + 1
      return ok
    }
    this.#fallible += n
    return n
  }

  /** Undo the last takeFallible() (the batch could not be done at once). */
  untakeFallible(): void {
    if (this.#lastTake === undefined) return
    this.#fallible = this.#lastTake.before
    this.#injectedCall = this.#lastTake.injectedBefore
    this.#lastTake = undefined
  }

  record(fn: string, args: Args, ret: ArgValue, extra?: { errno?: string; injected?: boolean }): KernelCall {
    this.#loop = undefined
    const rec: KernelCall = { seq: ++this.#seq, fn, tx: this.tx, step: this.step, args, ret }
    if (extra?.errno) rec.errno = extra.errno
    if (extra?.injected) rec.injected = true
    this.calls.push(rec)
    return rec
  }

  /**
   * Record a call that is one iteration of a loop: folded into the previous
   * record when that was the same function of the same transaction and
   * also a loop iteration with the same outcome class (success or errno).
   */
  loop(fn: string, args: Args, ret: ArgValue, extra?: { errno?: string; injected?: boolean }): void {
    const l = this.#loop
    if (l !== undefined && l.fn === fn && l.rec.tx === this.tx && l.rec.errno === extra?.errno && !extra?.injected && !l.rec.injected) {
      this.#seq++
      const r = l.rec.repeat
      if (r === undefined) l.rec.repeat = { count: 2, lastArgs: args, lastRet: ret }
      else {
        r.count++
        r.lastArgs = args
        r.lastRet = ret
      }
      return
    }
    const rec = this.record(fn, args, ret, extra)
    this.#loop = { fn, rec }
  }

  /**
   * Record a whole loop at once: `count` calls of fn, the first and the last
   * with their arguments and results (used by hot per-page loops).
   */
  recordLoop(fn: string, count: number, first: Args, firstRet: ArgValue, last: Args, lastRet: ArgValue, extra?: { errno?: string; injected?: boolean }): void {
    if (count <= 0) return
    const rec = this.record(fn, first, firstRet, count === 1 ? extra : undefined)
    if (count > 1) {
      rec.repeat = { count, lastArgs: last, lastRet }
      if (extra?.errno) rec.errno = extra.errno
      if (extra?.injected) rec.injected = true
    }
    this.#seq += count - 1
  }

  /** End any loop folding (a different call site follows). */
  breakLoop(): void {
    this.#loop = undefined
  }
}
