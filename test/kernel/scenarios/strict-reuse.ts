// Strict unmaps free the IOVA at once into the per-CPU cache: a map of the same size gets it back; another size does not.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform(VTD_STRICT)
const edu = host.device('edu', EDU)
const a = host.ram('a', { pages: 1 })
const b = host.ram('b', { pages: 1 })
const c = host.ram('c', { pages: 2 })

export default scenario({
  platform: 'vtd-strict',
  about: 'IOVA reuse through the rcache after a strict unmap',
  plan: host
    .plan(edu, { name: 'strict_reuse' })
    .transaction('t1', { strategy: 'page', dir: 'to-device' }, [a])
    .deviceReads('t1', a)
    .unmap('t1')
    .transaction('t2', { strategy: 'page', dir: 'to-device' }, [b])
    .transaction('t3', { strategy: 'page', dir: 'from-device' }, [c])
    .deviceReads('t2', b)
    .deviceWrites('t3', c)
    .unmap('t3')
    .unmap('t2')
    .cpuReads(c)
    .build(),
})
