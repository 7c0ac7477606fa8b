/**
 * A variant of the module target: which hooks the plan's device and CPU
 * accesses call, which PCI devices the driver binds to, and optionally a
 * device engine that the hooks drive and that the glue tells about every
 * buffer, map, unmap and the run's result (the harness target's edu).
 */
export interface EngineFlavour {
  /**
   * Template file with the engine's sections: types (struct dmaplan_engine),
   * init, track, mapped, unmapping and status, and for HMM mirrors pages
   * (the transactions whose DMA view goes page by page), fault and
   * invalidated.
   */
  readonly template: string
  /** The region whose coherent buffer the engine stages data in. */
  readonly scratch: string
  /** Headers the engine's code needs. */
  readonly includes: readonly string[]
}

export interface ModuleFlavour {
  /** Template file that provides the sections device_access and cpu_access. */
  readonly hooks: string
  /** Entries of the PCI ID table, as C initialisers ("PCI_DEVICE(0x1234, 0x11e8)"). */
  readonly pciIds: readonly string[]
  /** With an engine, the hooks take &pd->engine instead of the struct device. */
  readonly engine?: EngineFlavour
  /** The module parameter fail_at_call and its wrappers of the fallible DMA API calls (templates/module/inject.c). */
  readonly faultInjection?: boolean
}

/** The module target itself: hooks that only log, and no PCI IDs (bind with new_id). */
export const MODULE_FLAVOUR: ModuleFlavour = { hooks: 'hooks', pciIds: [] }
