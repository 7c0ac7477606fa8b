// One page to the device behind VT-d (strict): its IOVA is the next page down from the top of the 28-bit space, below the harness's scratch page.
import { platform } from 'dmaplan'
import { scenario } from '../support/scenario.js'
import { EDU, VTD_STRICT } from './platforms.js'

const host = platform(VTD_STRICT)
const edu = host.device('edu', EDU)
const buf = host.ram('buf', { pages: 1 })

export default scenario({
  platform: 'vtd-strict',
  about: 'a single page mapped to the device: top-down IOVA under the 28-bit mask',
  plan: host
    .plan(edu, { name: 'strict_page' })
    .cpuWrites(buf)
    .transaction('tx', { strategy: 'page', dir: 'to-device' }, [buf])
    .deviceReads('tx', buf)
    .unmap('tx')
    .build(),
})
