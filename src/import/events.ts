/**
 * The kernel's `dma` trace events (include/trace/events/dma.h), as their
 * TP_printk() formats print them: one entry per event, its class (the
 * shape of its fields) and the releases that have it. The formats are the
 * same from 6.12 to 7.3 but for the names: from 6.18 every single mapping
 * is dma_map_phys/dma_unmap_phys (dma_map_resource's with MMIO in attrs),
 * before it was dma_map_page or dma_map_resource (kernel-changes.ts,
 * trace-dma-map-phys); and later releases add attribute names to
 * decode_dma_attrs(). A failed dma_alloc* records dma_addr 0 on 7.3, and
 * whatever the address was on 6.12.
 */
import type { KernelVersion } from '../plan/kernel.js'
import { kernelHas } from '../plan/kernel-changes.js'

/**
 * The shape of an event's text after the device name, field by field:
 * - map: dir dma_addr size phys_addr attrs
 * - unmap: dir dma_addr size attrs
 * - map-sg: dir nents=a/b ents=a/b [ [TRUNCATED]] dma_addrs={} sizes={} phys_addrs={} attrs
 * - map-sg-err: dir dma_addrs={} (physical addresses, despite the name) err attrs
 * - unmap-sg: dir phys_addrs={} attrs
 * - sync-single: dir dma_addr size
 * - sync-sg: dir dma_addrs={} sizes={}
 * - alloc: dir dma_addr size virt_addr flags attrs
 * - alloc-sgt: dir dma_addr size phys_addrs={} flags attrs
 * - free: dir dma_addr size virt_addr attrs
 * - free-sgt: dir dma_addr size phys_addrs={}
 */
export type DmaEventClass = 'map' | 'unmap' | 'map-sg' | 'map-sg-err' | 'unmap-sg' | 'sync-single' | 'sync-sg' | 'alloc' | 'alloc-sgt' | 'free' | 'free-sgt'

export interface DmaEventSpec {
  readonly class: DmaEventClass
  /** Whether the release traces this event (every release from 6.12 when absent). */
  readonly traced?: (release: KernelVersion) => boolean
}

const phys = (r: KernelVersion) => kernelHas(r, 'trace-dma-map-phys')
const page = (r: KernelVersion) => !kernelHas(r, 'trace-dma-map-phys')

/** Every event of the `dma` system, by name. */
export const DMA_EVENTS = {
  dma_map_page: { class: 'map', traced: page },
  dma_map_resource: { class: 'map', traced: page },
  dma_map_phys: { class: 'map', traced: phys },
  dma_unmap_page: { class: 'unmap', traced: page },
  dma_unmap_resource: { class: 'unmap', traced: page },
  dma_unmap_phys: { class: 'unmap', traced: phys },
  dma_map_sg: { class: 'map-sg' },
  dma_map_sg_err: { class: 'map-sg-err' },
  dma_unmap_sg: { class: 'unmap-sg' },
  dma_sync_single_for_cpu: { class: 'sync-single' },
  dma_sync_single_for_device: { class: 'sync-single' },
  dma_sync_sg_for_cpu: { class: 'sync-sg' },
  dma_sync_sg_for_device: { class: 'sync-sg' },
  dma_alloc: { class: 'alloc' },
  dma_alloc_pages: { class: 'alloc' },
  dma_alloc_sgt_err: { class: 'alloc-sgt' },
  dma_alloc_sgt: { class: 'alloc-sgt' },
  dma_free: { class: 'free' },
  dma_free_pages: { class: 'free' },
  dma_free_sgt: { class: 'free-sgt' },
} as const satisfies Record<string, DmaEventSpec>

export type DmaEventName = keyof typeof DMA_EVENTS

// A set: the parser asks once per line, and a set answers faster than a property lookup on the catalogue.
const DMA_EVENT_NAMES: ReadonlySet<string> = new Set(Object.keys(DMA_EVENTS))

export function isDmaEvent(name: string): name is DmaEventName {
  return DMA_EVENT_NAMES.has(name)
}

/** The events a release traces. */
export function dmaEventsOf(release: KernelVersion): DmaEventName[] {
  return (Object.keys(DMA_EVENTS) as DmaEventName[]).filter((n) => {
    const spec: DmaEventSpec = DMA_EVENTS[n]
    return spec.traced === undefined || spec.traced(release)
  })
}

/** decode_dma_data_direction(). */
export const TRACE_DIRS = ['BIDIRECTIONAL', 'TO_DEVICE', 'FROM_DEVICE', 'NONE'] as const
export type TraceDir = (typeof TRACE_DIRS)[number]

/** decode_dma_attrs(): the names, in the order of DMA_ATTR_* bits (6.12 has the first eight; 7.3 all). */
export const TRACE_ATTRS = [
  'WEAK_ORDERING',
  'WRITE_COMBINE',
  'NO_KERNEL_MAPPING',
  'SKIP_CPU_SYNC',
  'FORCE_CONTIGUOUS',
  'ALLOC_SINGLE_PAGES',
  'NO_WARN',
  'PRIVILEGED',
  'MMIO',
  'CACHELINES_OVERLAP',
  'REQUIRE_COHERENT',
  'CC_SHARED',
  'ALLOC_CC_SHARED',
] as const
