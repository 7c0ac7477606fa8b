/** The builder at run time: immutable, frozen output, the same IR as a JSON plan, rules enforced, call sites recorded on request. */
import { describe, expect, it } from 'vitest'
import { platform } from '../../src/dsl/platform.js'
import { PlanRuleError, PlanShapeError } from '../../src/dsl/errors.js'
import { captureSource } from '../../src/dsl/source.js'
import { decodePlan, planToJson } from '../../src/plan/load.js'
import { KERNEL_VERSIONS } from '../../src/plan/kernel.js'

const host = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
const nic = host.device('nic0', { dmaMask: 64 })
const buf = host.ram('buf', { pages: 2 })

describe('the plan builder', () => {
  it('takes the kernel\'s defaults for what a platform leaves out: the newest release, a translating IOMMU, flushed lazily', () => {
    const bare = platform({})
    const plan = bare.plan(bare.device('nic0', { dmaMask: 64 })).transaction('t', { strategy: 'iova', dir: 'to-device' }, [bare.ram('b', { pages: 1 })]).unmap('t').build()
    expect(plan.platform.kernel).toBe(KERNEL_VERSIONS[KERNEL_VERSIONS.length - 1])
    expect(plan.platform.iommu).toEqual({ mode: 'translated', granule: 4096, flush: 'lazy', addressWidth: 48 })
    const vtd = platform({ iommu: { mode: 'translated' } })
    expect(vtd.plan(vtd.device('nic1')).build().platform.iommu.flush).toBe('lazy')
  })
  it('is immutable: every call returns a new builder and leaves the old one alone', () => {
    const a = host.plan(nic)
    const b = a.transaction('t', { strategy: 'page', dir: 'to-device' }, [buf])
    expect(b).not.toBe(a)
    expect(Object.isFrozen(a)).toBe(true)
    const plan = b.unmap('t').build()
    expect(plan.steps.map((s) => s.op)).toEqual(['map', 'unmap'])
    expect(() => (a as unknown as { build(): unknown }).build()).not.toThrow()
  })
  it('builds plain frozen data that round-trips through JSON', () => {
    const plan = host.plan(nic).transaction('t', { strategy: 'page', dir: 'to-device' }, [buf]).deviceReads('t', buf, { offset: 0x100, bytes: 0x200 }).unmap('t').build()
    expect(Object.isFrozen(plan.steps[1])).toBe(true)
    expect(plan.steps[1]).toMatchObject({ op: 'device-read', offset: 0x100n, bytes: 0x200n })
    const again = decodePlan(JSON.parse(planToJson(plan)))
    expect(again.ok && again.plan).toEqual(plan)
  })
  it('repeats the rules at run time for values the compiler could not see', () => {
    const n: number = Number('128')
    const odd = host.ram('odd', { bytes: n })
    const attempt = () => host.plan(nic).transaction('t', { strategy: 'iova', dir: 'to-device' }, [odd, buf]).unmap('t').build()
    expect(attempt).toThrow(PlanRuleError)
    expect(attempt).toThrow(/^R6: odd ends off the 4096-byte IOMMU granule/)
  })
  it('checks at run time the regions of a list whose positions the compiler cannot see', () => {
    // An array variable, not a tuple literal: the type-level R6 is per position, so it passes the compiler.
    const hdr = host.ram('hdr', { offset: 0x40, bytes: 0x80 })
    const list: (typeof buf | typeof hdr)[] = [buf, hdr, buf]
    const attempt = () => host.plan(nic).transaction('t', { strategy: 'iova', dir: 'to-device' }, list).unmap('t').build()
    expect(attempt).toThrow(PlanRuleError)
    expect(attempt).toThrow(/^R6: hdr starts off the 4096-byte IOMMU granule of nic0 but is not the first range/)
  })
  it('refuses ranges outside a region and two regions of one name', () => {
    expect(() => host.plan(nic).transaction('t', { strategy: 'page', dir: 'to-device' }, [buf]).deviceReads('t', buf, { offset: 0x2000 })).toThrow(/not inside region buf/)
    const twin = host.ram('buf', { pages: 1 })
    expect(() => host.plan(nic).transaction('t', { strategy: 'page', dir: 'to-device' }, [buf, twin]).unmap('t').build()).toThrow(PlanShapeError)
  })
  it('records where each step was written when asked', () => {
    captureSource(true)
    try {
      const plan = host.plan(nic).transaction('t', { strategy: 'page', dir: 'to-device' }, [buf]).unmap('t').build()
      expect(plan.steps[0]?.at).toMatch(/builder\.test\.ts:\d+:\d+$/)
    } finally {
      captureSource(false)
    }
    expect(host.plan(nic).transaction('t', { strategy: 'page', dir: 'to-device' }, [buf]).unmap('t').build().steps[0]?.at).toBeUndefined()
  })
  it('refuses a device of another platform', () => {
    const other = platform({ iommu: { mode: 'none' } }).device('x')
    expect(() => host.plan(other as never)).toThrow(/belongs to another platform/)
  })

  it('records driver steps between transactions and refuses a value the kernel would not take where it is written', () => {
    const plan = host
      .plan(nic)
      .setDmaMask(32)
      .setMaxSegmentSize(0x1000)
      .setSegmentBoundary(0xffffn)
      .setMinAlignMask(0xfff)
      .transaction('t', { strategy: 'sg', dir: 'to-device' }, [buf])
      .unmap('t')
      .build()
    expect(plan.steps.slice(0, 4)).toEqual([
      { op: 'set-dma-mask', bits: 32 },
      { op: 'set-max-segment-size', bytes: 0x1000 },
      { op: 'set-segment-boundary', mask: 0xffffn },
      { op: 'set-min-align-mask', mask: 0xfff },
    ])
    expect(decodePlan(JSON.parse(planToJson(plan)))).toEqual({ ok: true, plan })
    captureSource(true)
    try {
      const refused = (f: () => unknown) => {
        try {
          f()
        } catch (e) {
          return e
        }
        return undefined
      }
      const mask = refused(() => host.plan(nic).setDmaMask(65)) as PlanShapeError
      expect(mask).toBeInstanceOf(PlanShapeError)
      expect(mask.issues).toEqual(['set-dma-mask bits: Too big: expected number to be <=64'])
      expect(mask.at).toMatch(/builder\.test\.ts:\d+:\d+$/)
      expect((refused(() => host.plan(nic).setSegmentBoundary(0x1234)) as PlanShapeError).issues).toEqual(['set-segment-boundary mask: a segment boundary mask is 2^n - 1 and at least 0xfff'])
      expect(refused(() => host.plan(nic).setMaxSegmentSize(0x1000))).toBeUndefined()
    } finally {
      captureSource(false)
    }
  })
})
