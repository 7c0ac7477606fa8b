/**
 * A plan's steps as JSON text, written straight from a trace's fields: the
 * importer streams steps to a file without building objects (plan-sink.ts).
 * 64-bit values are hex strings in quotes, as the plan's JSON has them.
 */
import type { Step } from '../plan/ir.js'
import type { TraceDir } from './events.js'

export const DIR: Record<TraceDir, 'to-device' | 'from-device' | 'bidirectional' | undefined> = {
  TO_DEVICE: 'to-device',
  FROM_DEVICE: 'from-device',
  BIDIRECTIONAL: 'bidirectional',
  NONE: undefined,
}

/** The trace's attribute names the plan's DmaAttr has. */
export const ATTRS: Record<string, DmaAttrName> = {
  WEAK_ORDERING: 'DMA_ATTR_WEAK_ORDERING',
  SKIP_CPU_SYNC: 'DMA_ATTR_SKIP_CPU_SYNC',
  NO_WARN: 'DMA_ATTR_NO_WARN',
  PRIVILEGED: 'DMA_ATTR_PRIVILEGED',
  MMIO: 'DMA_ATTR_MMIO',
  CACHELINES_OVERLAP: 'DMA_ATTR_DEBUGGING_IGNORE_CACHELINES',
  REQUIRE_COHERENT: 'DMA_ATTR_REQUIRE_COHERENT',
}

type DmaAttrName = Extract<Step, { op: 'map' }>['attrs'][number]

/** 64-bit values as the plan's JSON writes them, in quotes. */
export const hexJson = (v: bigint): string => `"0x${v.toString(16)}"`

export function hexList(values: readonly bigint[]): string {
  let out = ''
  for (let i = 0; i < values.length; i++) out += i === 0 ? hexJson(values[i] as bigint) : `,${hexJson(values[i] as bigint)}`
  return out
}


/** The plan's names of the DMA_ATTR_* bits a plan can carry. */
export const PLAN_ATTRS: ReadonlySet<string> = new Set(Object.values(ATTRS))
