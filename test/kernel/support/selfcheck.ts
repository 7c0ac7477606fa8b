/**
 * The harness checks itself: a driver whose device accesses are moved one
 * page off their DMA addresses, on purpose, must be caught. Without an
 * IOMMU the device then reads the neighbouring page, and only the harness's
 * data check can tell; behind VT-d it reads where nothing is mapped, and
 * the IOMMU faults. Reads only: a misdirected write could hit anything.
 */
import { platform } from '../../../src/index.js'
import type { Plan } from '../../../src/plan/ir.js'
import type { Edit } from './build.js'
import type { ReferencePlatformName } from './qemu.js'
import { EDU, NO_IOMMU, VTD_STRICT } from '../scenarios/platforms.js'

export interface SelfCheck {
  readonly plan: Plan
  readonly platform: ReferencePlatformName
  /** What must show in the run. */
  readonly expect: 'data mismatch' | 'DMAR fault'
  /** How far off the device is sent, in C. */
  readonly offset: string
}

function readsOnly(spec: typeof NO_IOMMU | typeof VTD_STRICT, name: string): Plan {
  const host = platform(spec)
  const edu = host.device('edu', EDU)
  const buf = host.ram('buf', { pages: 2 })
  return host.plan(edu, { name }).cpuWrites(buf).transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf]).deviceReads('tx', buf).unmap('tx').build()
}

export const SELF_CHECKS: readonly SelfCheck[] = [
  { plan: readsOnly(NO_IOMMU, 'selfcheck_direct'), platform: 'none', expect: 'data mismatch', offset: '+ PAGE_SIZE' },
  { plan: readsOnly(VTD_STRICT, 'selfcheck_iommu'), platform: 'vtd-strict', expect: 'DMAR fault', offset: '- SZ_1M' },
]

const CHUNK_ADDR = 'addr = tx->seg[i].addr + at - start;'

/** Moves every device access of the self-check drivers off its DMA address. */
export const misdirect: Edit = (plan, source) => {
  const check = SELF_CHECKS.find((c) => c.plan.name === plan)
  if (check === undefined) return source
  if (!source.includes(CHUNK_ADDR)) throw new Error(`the harness no longer computes a chunk's address as ${CHUNK_ADDR}`)
  return source.replace(CHUNK_ADDR, `addr = tx->seg[i].addr + at - start ${check.offset};`)
}

/**
 * The dma-debug line checks itself too: a driver that leaves its mapping in
 * place when the plan unmaps it must be caught, at the latest when it is
 * unbound ("device driver has pending DMA allocations while released from
 * device", kernel/dma/debug.c, dma_debug_device_change()).
 */
export const LEAK_CHECK = { plan: readsOnly(VTD_STRICT, 'selfcheck_leak'), platform: 'vtd-strict', expect: /pending DMA allocations while released from device/ } as const

const PAGE_UNMAP = '\t\tdmaplan_unmap_piece(dev, tx, s, &tx->seg[i]);'

/** Drops the unmap of the leak check's driver (page strategy). */
export const leak: Edit = (plan, source) => {
  if (plan !== LEAK_CHECK.plan.name) return source
  if (!source.includes(PAGE_UNMAP)) throw new Error(`the page strategy no longer unmaps with ${PAGE_UNMAP.trim()}`)
  return source.replace(PAGE_UNMAP, '\t\tcontinue; /* the mapping is left in place on purpose */')
}
