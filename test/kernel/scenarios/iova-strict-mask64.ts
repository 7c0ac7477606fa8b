// A 64-bit device behind VT-d (edu with dma_mask set to match): a PCI device's IOVAs come from below 4 GiB first (pci_32bit_workaround), so the harness's page and then the IOVA state sit just under 4 GiB, not at the top of the IOMMU's address width.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { VTD_STRICT } from './platforms.js'

const host = platform({ ...VTD_STRICT, kernel: '7.3' })
const edu = host.device('edu', { dmaMask: 64 })
const a = host.ram('a', { offset: 0x800, bytes: 0x800 })
const b = host.ram('b', { pages: 2 })

export default scenario({
  platform: 'vtd-strict',
  since: '6.16',
  about: 'a 64-bit mask: the IOVA state allocated below 4 GiB first',
  plan: host
    .plan(edu, { name: 'iova_strict_mask64' })
    .transaction('mr', { strategy: 'iova', dir: 'bidirectional' }, [a, b])
    .deviceWrites('mr', a)
    .deviceWrites('mr', b)
    .deviceReads('mr', b)
    .unmap('mr')
    .cpuReads(a)
    .cpuReads(b)
    .build(),
})
