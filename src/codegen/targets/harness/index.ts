/**
 * The harness target: the module target's driver, with hooks that drive
 * QEMU's edu device (PCI 1234:11e8) through the plan's mappings and report
 * what the kernel did (see README.md in this directory for the lines). The
 * mapping code is the module target's, byte for byte; only the flavour
 * differs. generate() runs the plan of harnessPlan(), which adds the engine's
 * scratch buffer.
 */
import type { CodegenModel } from '../../model.js'
import type { GenerateOptions } from '../../options.js'
import type { ModuleFlavour } from '../module/flavour.js'
import { renderModule } from '../module/index.js'
import { HARNESS_SCRATCH } from './plan.js'

export { harnessPlan, HARNESS_SCRATCH } from './plan.js'

export const HARNESS_FLAVOUR: ModuleFlavour = {
  hooks: 'harness',
  pciIds: ['PCI_DEVICE(0x1234, 0x11e8)'],
  faultInjection: true,
  engine: {
    template: 'harness',
    scratch: HARNESS_SCRATCH,
    includes: ['linux/io.h', 'linux/iommu.h', 'linux/io-64-nonatomic-lo-hi.h', 'linux/iopoll.h', 'linux/slab.h', 'linux/string.h'],
  },
}

export function renderHarness(m: CodegenModel, options: Pick<GenerateOptions, 'clangFormat'>): Map<string, string> {
  return renderModule(m, options, HARNESS_FLAVOUR)
}
