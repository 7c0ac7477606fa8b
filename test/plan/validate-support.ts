/** Plans for the run-time rule tests (validate-r*.test.ts): JSON plans, as the type checker never sees them. */
import { decodePlan } from '../../src/plan/load.js'
import { validatePlan } from '../../src/plan/rules/validate.js'
import { op } from '../support/plans.js'

export function violations(json: Record<string, unknown>): string[] {
  const d = decodePlan(json)
  if (!d.ok) throw new Error(d.issues.map((i) => `${i.path}: ${i.message}`).join('\n'))
  return validatePlan(d.plan).map((v) => v.text)
}

export const unmap = (tx: string) => op('unmap', { tx })
export const gpuSetup = (platform: Record<string, unknown> = {}, gpuAt: string | undefined = 'sw0', devAt: string | undefined = 'sw0') => ({
  platform: { pci: { switches: [{ name: 'sw0' }, { name: 'sw1' }] }, ...platform },
  devices: [
    { name: 'dev0', dmaMask: 64, ...(devAt ? { at: devAt } : {}) },
    { name: 'gpu0', ...(gpuAt ? { at: gpuAt } : {}), p2pMemory: { bytes: '0x40000000' } },
  ],
  regions: [
    { name: 'buf', memory: 'ram', bytes: '0x4000' },
    { name: 'vram', memory: 'p2p', provider: 'gpu0', bytes: '0x4000' },
  ],
})
