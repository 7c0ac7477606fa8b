/**
 * A real in-tree driver doing real I/O under QEMU: which modules to load
 * (their dependencies come from the release's modules.dep), the QEMU device
 * it drives, and the shell lines of its workload, run in the initramfs
 * between the driver's load and its removal (drivers/, support/driver-run.ts).
 */
export interface DriverWorkload {
  /** The driver's name, as /sys/bus/pci/drivers names it. */
  readonly name: string
  readonly about: string
  /** Modules to load, by name, in order (with their dependencies before them). */
  readonly modules: readonly string[]
  /** QEMU's arguments for the device, given a scratch directory of the boot's own. */
  readonly qemu: (scratch: string) => readonly string[]
  /** Shell lines run once the driver is bound (busybox sh). */
  readonly workload: readonly string[]
  /** The fewest mappings the workload makes: fewer means it did not run. */
  readonly minMappings: number
}

export const driver = (d: DriverWorkload): DriverWorkload => d
