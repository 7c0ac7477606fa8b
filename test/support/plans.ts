/** Small JSON plans for run-time tests: a translated VT-d platform and a 64-bit device, overridable. */
import type { Step } from '../../src/plan/ir.js'

type Json = Record<string, unknown>

export function jsonPlan(parts: { platform?: Json; devices?: Json[]; regions?: Json[]; steps: Json[]; device?: string }): Json {
  return {
    format: 'dmaplan.plan/v1',
    name: 'test_plan',
    platform: { kernel: '7.0', iommu: { mode: 'translated' }, ...parts.platform },
    device: parts.device ?? 'dev0',
    devices: parts.devices ?? [{ name: 'dev0', dmaMask: 64 }],
    regions: parts.regions ?? [{ name: 'buf', memory: 'ram', bytes: '0x4000' }],
    steps: parts.steps,
  }
}

export const map = (tx: string, strategy: string, dir: string, regions: string[], extra: Json = {}): Json => ({ op: 'map', tx, strategy, dir, regions, ...extra })
export const op = (o: Step['op'], fields: Json = {}): Json => ({ op: o, ...fields })
