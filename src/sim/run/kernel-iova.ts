/**
 * Where a trace leaves the order of the kernel's IOVA work in doubt, the
 * imported map takes the kernel's IOVA rather than the one the trace's order
 * would give, and says so (TRACE-ORDER, src/import/README.md): an interrupt
 * inside the calls just before the map (ObservedMap.interrupted), or an
 * interrupt's unmap inside a run of the lazy flush queue's timer
 * (UnmapStep.inFqTimer) whose IOVA the kernel hands out again.
 */
import type { MapStep } from '../../plan/ir.js'
import { formatU64 } from '../../plan/u64.js'
import type { IommuDomain } from '../iommu/domain.js'
import type { Machine } from './machine.js'

/** Arm the domain for the map step's allocation: the kernel's first DMA address, where the trace's order is in doubt. */
export function expectKernelIova(m: Machine, s: MapStep): void {
  const d = m.domain
  const first = s.observed?.dma[0]
  if (d === undefined || first === undefined) return
  const say = (why: string) => {
    m.reporter.context.tx = s.tx
    m.reporter.report('TRACE-ORDER', 'info', 'dmaplan', `${s.at ?? `transaction ${s.tx}`}: ${why}`)
  }
  const iova = (p: number) => formatU64(BigInt(p) << BigInt(d.shift))
  const given = (natural: number) => (natural === 0 ? 'a new one' : iova(natural))
  if (s.observed?.interrupted === true) {
    d.iovaHint = d.pfn(first)
    d.hintTaken = (pfn, natural) =>
      say(
        `an interrupt came inside the calls just before this map, so the trace does not say in which order their IOVAs were freed and taken: the kernel's ${iova(pfn)} taken, where the trace's order gives ${given(natural)} from the IOVA caches`,
      )
  }
  if (d.fq !== undefined) {
    d.observedPfn = d.pfn(first)
    d.freedInTimerRun = (pfn, natural) =>
      say(
        `an interrupt unmapped ${iova(pfn)} while the flush queue's timer ran, so the trace does not say whether that run freed it; the kernel hands it out here, so it did (the trace's order gives ${given(natural)})`,
      )
  }
}

/** Disarm the domain after the map step. */
export function forgetKernelIova(d: IommuDomain | undefined): void {
  if (d === undefined) return
  d.iovaHint = undefined
  d.hintTaken = undefined
  d.observedPfn = undefined
  d.freedInTimerRun = undefined
}
