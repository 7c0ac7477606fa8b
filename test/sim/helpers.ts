/**
 * Test helpers: plans written as JSON-like IR (decoded with the real
 * schema, so defaults are the kernel's), machines built from them, and
 * shortcuts into the model's kernel API.
 */
import { decodePlan } from '../../src/plan/load.js'
import type { Plan } from '../../src/plan/ir.js'
import { validatePlan } from '../../src/plan/rules/validate.js'
import type { SimOptions } from '../../src/sim/options.js'
import { Machine } from '../../src/sim/run/machine.js'
import { runPlan } from '../../src/sim/run/simulate.js'

type Json = Record<string, unknown>

export interface PlanSpec {
  kernel?: string
  iommu?: 'translated' | 'passthrough' | 'none'
  granule?: number
  flush?: 'strict' | 'lazy'
  addressWidth?: number
  coco?: boolean
  swiotlb?: Json
  ramBytes?: string | number
  switches?: Json[]
  hostBridgeP2P?: boolean
  device?: Json
  devices?: Json[]
  regions?: Json[]
  steps?: Json[]
}

export function mkPlan(spec: PlanSpec = {}): Plan {
  const json = {
    format: 'dmaplan.plan/v1',
    name: 'test',
    platform: {
      kernel: spec.kernel ?? '7.0',
      iommu: { mode: spec.iommu ?? 'translated', granule: spec.granule ?? 4096, flush: spec.flush ?? 'strict', addressWidth: spec.addressWidth ?? 48 },
      coco: spec.coco ?? false,
      pci: { switches: spec.switches ?? [], hostBridgeP2P: spec.hostBridgeP2P ?? false },
      swiotlb: spec.swiotlb ?? {},
      ramBytes: spec.ramBytes ?? '0x200000000',
    },
    device: 'dev0',
    devices: [{ name: 'dev0', dmaMask: 64, ...spec.device }, ...(spec.devices ?? [])],
    regions: spec.regions ?? [],
    steps: spec.steps ?? [],
  }
  const r = decodePlan(json)
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('\n'))
  return r.plan
}

/** A plan that must also pass rules R1-R9 (what the CLI would accept). */
export function validPlan(spec: PlanSpec): Plan {
  const p = mkPlan(spec)
  const v = validatePlan(p)
  if (v.length) throw new Error(v.map((x) => x.text).join('\n'))
  return p
}

export function machine(spec: PlanSpec = {}, options: SimOptions = {}): Machine {
  return new Machine(mkPlan(spec), options)
}

export function run(spec: PlanSpec, options: SimOptions = {}) {
  return runPlan(mkPlan(spec), options)
}

export const hex = (v: bigint): string => `0x${v.toString(16)}`
export const GiB = 1n << 30n
export const MiB = 1n << 20n
export const KiB = 1024n

/** Map step shorthand. */
export const map = (tx: string, strategy: string, regions: string[], dir = 'bidirectional', extra: Json = {}): Json => ({
  op: 'map',
  tx,
  strategy,
  dir,
  regions,
  ...extra,
})
export const unmap = (tx: string): Json => ({ op: 'unmap', tx })
export const ram = (name: string, bytes: bigint | number, extra: Json = {}): Json => ({
  name,
  memory: 'ram',
  bytes: `0x${BigInt(bytes).toString(16)}`,
  ...extra,
})
export const findings = (m: { reporter: { findings: readonly { id: string; severity: string; source: string; message: string }[] } }, id?: string) =>
  m.reporter.findings.filter((f) => id === undefined || f.id === id)
