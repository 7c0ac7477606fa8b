// E1's scatterlist on an identity domain (docs/kernel-behaviour.md E4): dma-direct never merges, so three segments at the physical addresses.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { E1, EDU, PASSTHROUGH_LOW } from './platforms.js'

const host = platform(PASSTHROUGH_LOW)
const edu = host.device('edu', EDU)
const a = host.ram('a', E1.a)
const b = host.ram('b', E1.b)
const c = host.ram('c', E1.c)

export default scenario({
  platform: 'passthrough-low',
  about: 'E4: the E1 scatterlist on dma-direct does not coalesce',
  plan: host
    .plan(edu, { name: 'pt_sg' })
    .cpuWrites(b)
    .transaction('io', { strategy: 'sg', dir: 'to-device' }, [a, b, c])
    .deviceReads('io', a)
    .deviceReads('io', b)
    .deviceReads('io', c)
    .unmap('io')
    .build(),
})
