/**
 * auto: the dispatch from the two-step DMA API discussion, one slice whose C
 * decides per buffer (templates/module/auto.c). Host memory is offered to
 * one IOVA range when the kernel has the API (6.16) and the host buffers, in
 * order, meet on the IOMMU granule (only the first may start and only the
 * last may end off it); dma_iova_try_alloc() then decides at run time (a
 * driver cannot know whether its device sits behind a translating IOMMU),
 * and otherwise the buffers are mapped piece by piece like the rest.
 */
import { granuleAlignment } from '../../plan/topology.js'
import type { StrategyDef } from '../../codegen/strategies/strategy.js'
import { auto as descriptor } from './index.js'
import { auto as part } from './part.js'

export const auto: StrategyDef = {
  strategy: descriptor.name,
  summary: descriptor.summary,
  part,
  slices(bufs, ctx) {
    const granule = ctx.platform.iommu.granule
    const host = bufs.filter((b) => b.kind === 'normal')
    const meets = host.every(
      (b, i) => (i === 0 || granuleAlignment(b.region, granule).head) && (i === host.length - 1 || granuleAlignment(b.region, granule).tail),
    )
    const useIova = ctx.kernel.iovaApi && host.length > 0 && meets
    return [{ part: 'auto', first: 0, count: bufs.length, attrs: [...ctx.attrs], useIova }]
  },
}
