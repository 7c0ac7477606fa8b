// A state of 40 granules is above the IOVA caches' sizes (32 granules and more): not rounded up, only aligned to 64 granules, so it ends 24 granules below the next 256 KiB boundary.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform({ ...VTD_STRICT, kernel: '7.3' })
const edu = host.device('edu', EDU)
const big = host.ram('big', { pages: 40 })
const small = host.ram('small', { pages: 1 })

export default scenario({
  platform: 'vtd-strict',
  since: '6.16',
  about: 'a 40-granule IOVA state: aligned to 64 granules but not rounded up to them',
  plan: host
    .plan(edu, { name: 'iova_strict_large' })
    .transaction('big', { strategy: 'iova', dir: 'bidirectional' }, [big])
    .transaction('small', { strategy: 'iova', dir: 'to-device' }, [small])
    .deviceWrites('big', big)
    .deviceReads('big', big)
    .deviceReads('small', small)
    .unmap('small')
    .unmap('big')
    .cpuReads(big)
    .build(),
})
