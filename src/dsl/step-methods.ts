/**
 * The builder method that writes each step (builder.ts), and build() for
 * what is wrong at a plan's end: a rule broken at run time is reported at
 * that call, where the type-level check marks it too.
 */
import type { Step } from '../plan/ir.js'
import type { PlanBuilder } from './builder.js'

type Method = keyof PlanBuilder<never, never, never>

export const STEP_METHODS = {
  map: 'transaction',
  'device-read': 'deviceReads',
  'device-write': 'deviceWrites',
  'cpu-read': 'cpuReads',
  'cpu-write': 'cpuWrites',
  'sync-for-cpu': 'syncForCpu',
  'sync-for-device': 'syncForDevice',
  'hmm-fault': 'hmmFault',
  'hmm-invalidate': 'hmmInvalidate',
  unlink: 'unlink',
  unmap: 'unmap',
  keep: 'keep',
  wait: 'wait',
  'set-dma-mask': 'setDmaMask',
  'set-segment-boundary': 'setSegmentBoundary',
  'set-max-segment-size': 'setMaxSegmentSize',
  'set-min-align-mask': 'setMinAlignMask',
  build: 'build',
} as const satisfies Record<Step['op'] | 'build', Method>
