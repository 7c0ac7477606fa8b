// An IOVA state of 5 granules (a first buffer 0x100 into its page, then four pages) is rounded up to 8 and aligned to 32 KiB below the harness's page: state.addr keeps the 0x100, and the next state starts below all 8 granules.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform({ ...VTD_STRICT, kernel: '7.3' })
const edu = host.device('edu', EDU)
const head = host.ram('head', { offset: 0x100, bytes: 0xf00 })
const body = host.ram('body', { pages: 4 })
const next = host.ram('next', { pages: 1 })

export default scenario({
  platform: 'vtd-strict',
  since: '6.16',
  about: "the IOVA state's size rounded to a power of two and aligned to it, the first buffer's offset kept",
  plan: host
    .plan(edu, { name: 'iova_strict_round' })
    .transaction('mr', { strategy: 'iova', dir: 'from-device' }, [head, body])
    .transaction('nx', { strategy: 'iova', dir: 'to-device' }, [next])
    .deviceWrites('mr', head)
    .deviceWrites('mr', body)
    .deviceReads('nx', next)
    .unmap('nx')
    .unmap('mr')
    .cpuReads(head)
    .cpuReads(body)
    .build(),
})
