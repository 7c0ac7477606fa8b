// A bvec at offset 0x100 of its page is off the queue's default dma_alignment (511): blk_rq_append_bio() refuses the bio with -EINVAL before anything is mapped.
// Rule R12 refuses such a plan, and only the run time checks it: the plan is the valid request with the unaligned buffer put first, as a JSON plan would carry it, and its harness is generated with kernelRefuses.
import { platform } from 'dmaplan'
import { decodePlan, encodePlan } from '../../../src/plan/load.js'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform({ ...VTD_STRICT, kernel: '7.3' })
const edu = host.device('edu', EDU)
const b = host.ram('b', { pages: 1 })

const aligned = encodePlan(
  host.plan(edu, { name: 'blk_unaligned' }).transaction('rq', { strategy: 'blk', dir: 'to-device' }, [b]).deviceReads('rq', b).unmap('rq').build(),
)
const decoded = decodePlan({
  ...aligned,
  regions: [{ name: 'a', memory: 'ram', offset: '0x100', bytes: '0x100' }, ...(aligned.regions ?? [])],
  steps: aligned.steps.map((s) => (s.op === 'map' ? { ...s, regions: ['a', ...s.regions] } : s)),
})
if (!decoded.ok) throw new Error(decoded.issues.map((i) => `${i.path}: ${i.message}`).join('; '))

export default scenario({
  platform: 'vtd-strict',
  since: '6.17',
  about: 'blk: a bvec off the queue dma_alignment, refused with -EINVAL at append (rule R12)',
  fails: { tx: 'rq' },
  plan: decoded.plan,
})
