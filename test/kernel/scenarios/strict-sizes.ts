// Live mappings of 1, 5 and 2 pages and a sub-page buffer behind VT-d: sizes round up to a power of two and each IOVA is aligned to its rounded size.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform(VTD_STRICT)
const edu = host.device('edu', EDU)
const one = host.ram('one', { pages: 1 })
const five = host.ram('five', { pages: 5 })
const two = host.ram('two', { pages: 2 })
const small = host.ram('small', { offset: 0x80, bytes: 0x100 })

export default scenario({
  platform: 'vtd-strict',
  about: 'IOVA size rounding and natural alignment with several live mappings',
  plan: host
    .plan(edu, { name: 'strict_sizes' })
    .transaction('t1', { strategy: 'page', dir: 'to-device' }, [one])
    .transaction('t5', { strategy: 'page', dir: 'to-device' }, [five])
    .transaction('t2', { strategy: 'page', dir: 'to-device' }, [two])
    .transaction('ts', { strategy: 'page', dir: 'bidirectional' }, [small])
    .deviceReads('t5', five)
    .deviceWrites('ts', small)
    .deviceReads('ts', small)
    .unmap('t1')
    .unmap('t5')
    .unmap('t2')
    .unmap('ts')
    .cpuReads(small)
    .build(),
})
