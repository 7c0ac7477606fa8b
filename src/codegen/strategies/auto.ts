/**
 * auto: the dispatch from the two-step DMA API discussion, one slice whose C
 * decides per buffer (templates/module/auto.c). Host memory goes into one
 * IOVA range when the platform translates, the kernel has the API (6.16) and
 * the host buffers, in order, meet on the IOMMU granule (only the first may
 * start and only the last may end off it); otherwise it is mapped piece by
 * piece like the rest.
 */
import { granuleAlignment } from '../../plan/topology.js'
import type { StrategyDef } from './strategy.js'

export const auto: StrategyDef = {
  strategy: 'auto',
  summary:
    'auto: host memory through one IOVA range where there is an IOMMU, switch-local peer memory by bus address, everything else mapped buffer by buffer',
  slices(bufs, ctx) {
    const granule = ctx.platform.iommu.granule
    const host = bufs.filter((b) => b.kind === 'normal')
    const meets = host.every(
      (b, i) => (i === 0 || granuleAlignment(b.region, granule).head) && (i === host.length - 1 || granuleAlignment(b.region, granule).tail),
    )
    const useIova = ctx.platform.iommu.mode === 'translated' && ctx.kernel.iovaApi && host.length > 0 && meets
    return [{ part: 'auto', first: 0, count: bufs.length, attrs: [...ctx.attrs], useIova }]
  },
}
