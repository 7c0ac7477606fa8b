/**
 * Driver steps (ir.ts DriverStep): what each stores in struct device. The
 * simulator, the generator and the rules read the device a step sees from
 * here, so a driver step means the same thing to each of them.
 */
import type { DeviceIR, DriverStep, Plan, Step } from './ir.js'
import { unreachable } from './unreachable.js'

export const DRIVER_STEP_OPS = ['set-dma-mask', 'set-segment-boundary', 'set-max-segment-size', 'set-min-align-mask'] as const satisfies readonly DriverStep['op'][]

export function isDriverStep(s: Step): s is DriverStep {
  return (DRIVER_STEP_OPS as readonly string[]).includes(s.op)
}

/** The device after a driver step, when the kernel accepts the call. */
export function withDriverStep(d: DeviceIR, s: DriverStep): DeviceIR {
  switch (s.op) {
    case 'set-dma-mask':
      return { ...d, dmaMask: s.bits }
    case 'set-segment-boundary':
      return { ...d, segmentBoundary: s.mask }
    case 'set-max-segment-size':
      return { ...d, maxSegmentSize: s.bytes }
    case 'set-min-align-mask':
      return { ...d, minAlignMask: s.mask }
    default:
      return unreachable(s)
  }
}

/**
 * The plan's device as each step finds it: element i is the device step i
 * runs against (the driver steps before it applied). One element per step,
 * then one for the plan's end.
 */
export function deviceBySteps(plan: Plan, device: DeviceIR): DeviceIR[] {
  const out: DeviceIR[] = [device]
  let d = device
  for (const s of plan.steps) {
    if (isDriverStep(s)) d = withDriverStep(d, s)
    out.push(d)
  }
  return out
}
