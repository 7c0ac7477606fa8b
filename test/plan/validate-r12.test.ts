/** R12 at run time (the only level that checks it: RuleInfo.runTimeOnly), with the exact sentences. */
import { describe, expect, it } from 'vitest'
import { jsonPlan, map } from '../support/plans.js'
import { violations, unmap } from './validate-support.js'

const regions = [
  { name: 'hdr', memory: 'ram', offset: '0x40', bytes: '0x200' },
  { name: 'meta', memory: 'ram', bytes: '0x600' },
  { name: 'data', memory: 'ram', bytes: '0x2000' },
  { name: 'odd', memory: 'ram', offset: '0x200', bytes: '0xe00' },
  { name: 'big', memory: 'ram', bytes: '0xfffff000' },
  { name: 'huge', memory: 'ram', bytes: '0x10000000000' },
]
const plan = (device: Record<string, unknown>, names: string[], strategy = 'blk') =>
  violations(jsonPlan({ devices: [{ name: 'dev0', dmaMask: 64, ...device }], regions, steps: [map('t', strategy, 'to-device', names), unmap('t')] }))

describe('R12 at run time', () => {
  it("R12 a block request's buffers start on the queue's 512-byte dma_alignment", () => {
    expect(plan({}, ['hdr'])).toEqual([
      'R12: hdr starts off a 512-byte boundary, but the request queue of dev0 takes buffers on its dma_alignment only, so blk_rq_append_bio() refuses blk transaction t. Align it, or map it with page or sg.',
    ])
    expect(plan({}, ['odd', 'meta', 'data'])).toEqual([])
    expect(plan({}, ['hdr'], 'sg')).toEqual([])
  })

  it('R12 with a min_align_mask (the virt boundary) only the first buffer starts, and only the last ends, off it', () => {
    const nvme = { minAlignMask: 0xfff }
    expect(plan(nvme, ['meta', 'data'])).toEqual([
      'R12: meta ends off the 0xfff virt_boundary_mask of the request queue of dev0 inside blk transaction t, a gap blk_rq_append_bio() refuses. Align it, make it the last buffer, or map it in a request of its own.',
    ])
    expect(plan(nvme, ['data', 'odd'])).toEqual([
      'R12: odd starts off the 0xfff virt_boundary_mask of the request queue of dev0 inside blk transaction t, a gap blk_rq_append_bio() refuses. Align it, make it the first buffer, or map it in a request of its own.',
    ])
    expect(plan(nvme, ['odd', 'data', 'meta'])).toEqual([])
  })

  it('R12 a block request holds at most BIO_MAX_SIZE (0xffffffff) bytes: the buffer that passes it is named', () => {
    expect(plan({}, ['big'])).toEqual([])
    expect(plan({}, ['big', 'data'])).toEqual([
      'R12: data takes blk transaction t of dev0 to 0x100001000 bytes, past the 0xffffffff a block request holds (BIO_MAX_SIZE: a bio counts its bytes in an unsigned int), so bio_add_page() refuses data. Split it into requests of at most 4 GiB, or map it with sg or iova.',
    ])
    expect(plan({}, ['huge'])).toEqual([
      'R12: huge takes blk transaction t of dev0 to 0x10000000000 bytes, past the 0xffffffff a block request holds (BIO_MAX_SIZE: a bio counts its bytes in an unsigned int), so bio_add_page() refuses huge. Split it into requests of at most 4 GiB, or map it with sg or iova.',
    ])
    expect(plan({}, ['huge'], 'sg')).toEqual([])
  })
})
