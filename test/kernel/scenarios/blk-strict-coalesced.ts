// The block iterator behind VT-d: a request whose inner boundaries all meet on page boundaries (the layout of docs/kernel-behaviour.md E1) is linked into one IOVA range, and blk_rq_dma_unmap() destroys it.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { E1, EDU, VTD_STRICT } from './platforms.js'

const host = platform({ ...VTD_STRICT, kernel: '7.3' })
const edu = host.device('edu', EDU)
const a = host.ram('a', E1.a)
const b = host.ram('b', E1.b)
const c = host.ram('c', E1.c)

export default scenario({
  platform: 'vtd-strict',
  since: '6.17',
  about: 'blk: inner boundaries on pages, the request coalesced into one IOVA range',
  plan: host
    .plan(edu, { name: 'blk_strict_coalesced' })
    .cpuWrites(b)
    .transaction('rq', { strategy: 'blk', dir: 'to-device' }, [a, b, c])
    .deviceReads('rq', b)
    .deviceReads('rq', c)
    .unmap('rq')
    .build(),
})
