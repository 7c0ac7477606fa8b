/**
 * C names of the plan-specific code. Every global name is <plan>_dmaplan_*:
 * struct <plan>_dmaplan_dev and <plan>_dmaplan_tx_<tx>, functions
 * <plan>_dmaplan_<tx>_<op> and <plan>_dmaplan_<word>, variables
 * <plan>_dmaplan_<device>_addr. The kernel has no identifier with
 * "_dmaplan_" in it, so a plan named pci, device or page meets none of its
 * names (struct pci_dev stays the kernel's), and the template's code is
 * dmaplan_*, which no plan name may start with. Members are buf_<region>,
 * tx_<tx>, peer_<device>, private to their struct. Where no <word> and no
 * "addr" ends in an <op>, no two plan names can collide either.
 */
export class Names {
  readonly #stem: string

  constructor(readonly plan: string) {
    this.#stem = `${plan}_dmaplan`
  }

  /**
   * The module's and the PCI driver's name (KBUILD_MODNAME): a plan named
   * after a kernel driver (nvme, e1000e) must not take that driver's module
   * or its name on the PCI bus (driver_register() refuses a second one).
   */
  get module(): string {
    return this.#stem
  }

  get dev(): string {
    return `struct ${this.#stem}_dev`
  }
  txType(tx: string): string {
    return `struct ${this.#stem}_tx_${tx}`
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
    return `${this.#stem}_${device}_addr`
  }
  /** <plan>_dmaplan_<tx>_<op>, op one of map, unmap, sync_for_cpu, sync_for_device, fault, invalidate. */
  txFn(tx: string, op: 'map' | 'unmap' | 'sync_for_cpu' | 'sync_for_device' | 'fault' | 'invalidate' | 'unlink'): string {
    return `${this.#stem}_${tx}_${op}`
  }
  /** Plan-level functions and objects: run, release, alloc, free, probe, remove, ids, driver. */
  fn(word: 'run' | 'release' | 'alloc' | 'free' | 'probe' | 'remove' | 'ids' | 'driver'): string {
    return `${this.#stem}_${word}`
  }
}
