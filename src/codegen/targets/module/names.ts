/**
 * C names of the plan-specific code. A plan name is never a token of its own:
 * members are buf_<region>, tx_<tx>, peer_<device>; functions are
 * <plan>_<tx>_<op> and <plan>_<word>, variables <plan>_<device>_addr, where
 * no <word> and no "addr" ends in an <op>; the template code is dmaplan_*,
 * which no plan name may start with. So no two names can collide and no plan
 * name can meet a C keyword or a kernel macro.
 */
export class Names {
  constructor(readonly plan: string) {}

  get dev(): string {
    return `struct ${this.plan}_dev`
  }
  txType(tx: string): string {
    return `struct ${this.plan}_tx_${tx}`
  }
  txField(tx: string): string {
    return `tx_${tx}`
  }
  bufField(buf: string): string {
    return `buf_${buf}`
  }
  peerField(device: string): string {
    return `peer_${device}`
  }
  /** The module parameter's variable (the parameter itself is named after the device). */
  peerParam(device: string): string {
    return `${this.plan}_${device}_addr`
  }
  /** <plan>_<tx>_<op>, op one of map, unmap, sync_for_cpu, sync_for_device, fault, invalidate. */
  txFn(tx: string, op: 'map' | 'unmap' | 'sync_for_cpu' | 'sync_for_device' | 'fault' | 'invalidate' | 'unlink'): string {
    return `${this.plan}_${tx}_${op}`
  }
  /** Plan-level functions and objects: run, release, alloc, free, probe, remove, ids, driver. */
  fn(word: 'run' | 'release' | 'alloc' | 'free' | 'probe' | 'remove' | 'ids' | 'driver'): string {
    return `${this.plan}_${word}`
  }
}
