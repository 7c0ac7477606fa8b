// An untrusted device (below an external-facing port) on VT-d lazy: the kernel gives it a strict DMA domain, and whole pages map through the IOMMU without bouncing.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU_UNTRUSTED, VTD_UNTRUSTED } from './platforms.js'

const host = platform(VTD_UNTRUSTED)
const edu = host.device('edu', EDU_UNTRUSTED)
const a = host.ram('a', { pages: 2 })

export default scenario({
  platform: 'vtd-untrusted',
  since: '7.0',
  about: 'untrusted device: a strict domain despite iommu.strict=0; granule-aligned pages map as usual',
  plan: host
    .plan(edu, { name: 'untrusted_page' })
    .transaction('tx', { strategy: 'page', dir: 'bidirectional' }, [a])
    .deviceWrites('tx', a)
    .deviceReads('tx', a)
    .unmap('tx')
    .cpuReads(a)
    .build(),
})
