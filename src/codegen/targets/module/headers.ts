/**
 * dmaplan_compat.h, dmaplan_upstream.h and the Kbuild feature tests: the
 * kernel APIs newer than 6.12 that this plan's code uses, in the shape of the
 * plan's target kernel.
 */
import type { Feature } from '../../features.js'
import { FEATURES, withNeeds } from '../../features.js'
import type { KernelShape } from '../../kernel-shape.js'
import { shapeFlags } from '../../kernel-shape.js'
import type { CodegenModel } from '../../model.js'
import { moduleTemplates } from './templates.js'

const ATTR_FEATURES: Readonly<Record<string, Feature>> = {
  DMA_ATTR_MMIO: 'attr_mmio',
  DMA_ATTR_REQUIRE_COHERENT: 'attr_require_coherent',
  DMA_ATTR_DEBUGGING_IGNORE_CACHELINES: 'attr_ignore_cachelines',
}

/** Every newer API the generated C uses, with what their stand-ins need. */
export function featuresOf(m: CodegenModel): Feature[] {
  const used = new Set<Feature>()
  for (const t of m.txs)
    for (const s of t.slices) {
      for (const f of s.part.features(m.kernel, s, t.bufs.slice(s.first, s.first + s.count))) used.add(f)
      for (const a of s.attrs) {
        const f = ATTR_FEATURES[a]
        if (f !== undefined) used.add(f)
      }
    }
  return withNeeds(used)
}

function flags(features: readonly Feature[], k: KernelShape): Record<string, boolean> {
  return { ...shapeFlags(k), blk: features.includes('blk_dma_iter'), p2pdma: features.includes('p2pdma') }
}

export function compatHeader(features: readonly Feature[], k: KernelShape): string {
  const lib = moduleTemplates()
  const ids = ['compat.head', ...features.map((f) => `compat.${f}`), 'compat.tail']
  return lib.render(ids.map((id) => lib.section(id)), flags(features, k))
}

export function upstreamHeader(features: readonly Feature[], k: KernelShape): string {
  const lib = moduleTemplates()
  const sections = [...new Set(features.map((f) => FEATURES[f].upstream).filter((s): s is string => s !== undefined))]
  const order = ['attrs', 'dma_iova', 'map_phys', 'p2pdma', 'hmm_dma', 'blk_dma_iter']
  const ids = ['upstream.head', ...order.filter((s) => sections.includes(s)).map((s) => `upstream.${s}`), 'upstream.tail']
  return lib.render(ids.map((id) => lib.section(id)), flags(features, k))
}

export function kbuild(name: string, module: string, features: readonly Feature[]): string {
  const probes = features.flatMap((f) => {
    const p = FEATURES[f].probe
    return p === undefined ? [] : [`ccflags-y += $(call dmaplan-have,${p.header},${p.word},${p.define})`]
  })
  return [
    '# SPDX-License-Identifier: GPL-2.0',
    '#',
    `# The DMA plan ${name} as the out-of-tree module ${module}.ko:`,
    '#   make -C /lib/modules/$(uname -r)/build M=$PWD modules',
    '# With DMAPLAN_UPSTREAM_API=y the driver is compiled against the upstream',
    '# declarations of the DMA APIs newer than this kernel, to type-check the',
    '# code paths it cannot run (the object does not link):',
    `#   make -C /lib/modules/$(uname -r)/build M=$PWD DMAPLAN_UPSTREAM_API=y ${name}.o`,
    ...(probes.length > 0
      ? [
          '',
          "# What this kernel's headers have; dmaplan_compat.h stands in for the rest.",
          "dmaplan-have = $(if $(shell grep -slw '$(2)' $(srctree)/include/linux/$(1)),-DDMAPLAN_HAVE_$(3))",
          ...probes,
        ]
      : []),
    'ccflags-$(DMAPLAN_UPSTREAM_API) += -DDMAPLAN_UPSTREAM_API',
    '',
    `obj-m := ${module}.o`,
    `${module}-y := ${name}.o`,
    '',
  ].join('\n')
}

export function makefile(): string {
  return [
    '# SPDX-License-Identifier: GPL-2.0',
    '# Build against the running kernel, or another with KDIR=/path/to/headers.',
    'KDIR ?= /lib/modules/$(shell uname -r)/build',
    '',
    'all:',
    '\t$(MAKE) -C $(KDIR) M=$(CURDIR) modules',
    '',
    'clean:',
    '\t$(MAKE) -C $(KDIR) M=$(CURDIR) clean',
    '',
  ].join('\n')
}
