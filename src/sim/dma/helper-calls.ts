/**
 * The exported DMA API calls that a kernel helper makes on the driver's
 * behalf: the block iterator's dma_map_phys() and IOVA calls
 * (block/blk-mq-dma.c), one or a few per segment of a request. The kernel
 * traces them (include/trace/events/dma.h: the dma_map_phys event is in
 * dma_map_phys() itself, whoever calls it) and a probe sees them like the
 * driver's own, so they are recorded like the driver's own, in the order
 * they are made, with the helper that made them in `via`. The caller has
 * done the kernel's work already; this only records it, and the fault
 * injector does not count these calls (the helper's own call is the one
 * that can be made to fail). HMM's calls per page of a mirror are not
 * recorded one by one (the trace stays proportional to the plan, not to
 * the pages): its loop records stand for them.
 */
import { DIR_NAME, offsetInPage, physPfn } from '../consts.js'
import type { DmaDir } from '../consts.js'
import type { ArgValue, Args } from '../trace.js'
import { attrNames } from './attrs.js'
import type { Env } from './env.js'

/** A call made by `via` inside the kernel. */
export function helperCall(env: Env, via: string, fn: string, args: Args, ret: ArgValue, errno?: string): void {
  env.trace.record(fn, { ...args, via }, ret, errno !== undefined ? { errno } : undefined)
}

/** The arguments of a single mapping as api.ts records them: dma_map_phys() from 6.18, dma_map_page_attrs() before. */
export function mapArgs(env: Env, phys: bigint, size: bigint, dir: DmaDir, attrs: number): { fn: string; args: Args } {
  const common = { size, dir: DIR_NAME[dir], attrs: attrNames(attrs) }
  return env.has('dma-map-phys')
    ? { fn: 'dma_map_phys', args: { phys, ...common } }
    : { fn: 'dma_map_page_attrs', args: { page_pfn: physPfn(phys), offset: offsetInPage(phys), ...common } }
}
