/**
 * Valid plans are clean under the kernel's own checker: every conformance
 * scenario of a release runs on that release's debug kernel
 * (CONFIG_DMA_API_DEBUG, scripts/debug-kernel) with every error reported,
 * and must finish with dma-debug's error count at 0 and no report, the
 * one dma-debug makes when the driver is unbound with mappings left among
 * them ("device driver has pending DMA allocations while released from
 * device", kernel/dma/debug.c, dma_debug_device_change()).
 */
import type { ScenarioRun } from './run.js'

/** What keeps a run from being clean, in words; nothing when it is. */
export function uncleanness(r: ScenarioRun): string[] {
  const o = r.observation
  const name = `${r.scenario.plan.name} (${r.scenario.platform})`
  if (!o.finished) return [`${name}: the module did not run to its end (timeout or crash)`]
  if (o.dmaDebug === undefined) return [`${name}: no error count from dma-debug (is CONFIG_DMA_API_DEBUG on?)`]
  return [
    ...(o.dmaDebug.disabled ? [`${name}: dma-debug turned itself off, so its silence says nothing`] : []),
    ...o.dmaDebug.reports.map((l) => `${name}: dma-debug: ${l}`),
    ...(o.dmaDebug.errorCount > 0 ? [`${name}: dma-debug counted ${o.dmaDebug.errorCount} error(s)`] : []),
    ...o.problems.map((p) => `${name}: ${p}`),
  ]
}
