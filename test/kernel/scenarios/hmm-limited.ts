// HMM never bounces: hmm_dma_map_alloc() refuses a device whose DMA mask is below what dma_get_required_mask() asks for (edu's own 28 bits; 32 behind VT-d) with -EOPNOTSUPP, IOMMU or not.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform({ ...VTD_STRICT, kernel: '7.3' })
const edu = host.device('edu', EDU)
const buf = host.ram('buf', { pages: 2 })

export default scenario({
  platform: 'vtd-strict',
  since: '6.16',
  about: 'hmm refuses an addressing-limited device: hmm_dma_map_alloc() -EOPNOTSUPP',
  fails: { tx: 'mr' },
  plan: host
    .plan(edu, { name: 'hmm_limited' })
    .transaction('mr', { strategy: 'hmm', dir: 'bidirectional', populate: true }, [buf])
    .deviceWrites('mr', buf)
    .unmap('mr')
    .build(),
})
