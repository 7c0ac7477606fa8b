/**
 * The set-up a trace ran on, read from its DMA addresses when --platform
 * does not say (src/import/infer-platform.ts), on the real kernels' traces
 * and on small ones made to show each sign; and --platform FILE.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { platformFile } from '../../src/cli/platform-file.js'
import { TraceImporter } from '../../src/import/to-plan.js'
import type { ImportOptions } from '../../src/import/to-plan.js'

function importLines(lines: readonly string[], options: Partial<ImportOptions> = {}) {
  const im = new TraceImporter({ kernel: '7.3', ...options })
  for (const l of lines) im.push(l)
  return im.finish()
}
const said = (assumptions: readonly string[]) => assumptions.find((a) => a.startsWith('platform ')) ?? ''
const at = (t: string, irq = '.') => `  dd-1 [000] ..${irq}.. ${t}:`
const map = (t: string, dma: string, phys: string, irq = '.') => `${at(t, irq)} dma_map_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=${dma} size=512 phys_addr=${phys} attrs=`
const unmap = (t: string, dma: string, irq = '.') => `${at(t, irq)} dma_unmap_phys: 0000:00:04.0 dir=TO_DEVICE dma_addr=${dma} size=512 attrs=`

describe('the platform of a trace imported without --platform', () => {
  it('VT-d strict from a real NVMe trace (IOVAs that keep the page offset, one given back at once)', () => {
    const lines = readFileSync(join(import.meta.dirname, '../../examples/traces/nvme-7.3.trace'), 'utf8').trimEnd().split('\n')
    const { plan, summary } = importLines(lines, { device: '0000:00:01.0' })
    expect(plan.platform.iommu).toMatchObject({ mode: 'translated', flush: 'strict' })
    expect(said(summary.assumptions)).toMatch(/^platform vtd-strict: the DMA addresses are IOVAs .* line \d+ reuses one [\d.]+ ms after its unmap, as a strict domain does \(--platform says otherwise\)$/)
  })

  it('VT-d lazy when a map soon after an unmap gets a new IOVA', () => {
    const { plan, summary } = importLines([map('1.000000', 'fffff200', '1000200'), unmap('1.000100', 'fffff200'), map('1.002000', 'ffffe200', '1000200')])
    expect(plan.platform.iommu).toMatchObject({ mode: 'translated', flush: 'lazy' })
    expect(said(summary.assumptions)).toContain('line 3 got a new one 1.900 ms after line 2 freed one of its size, which a strict domain would have given back')
  })

  it('not lazy for a map that an interrupt ran inside (its IOVA may predate the unmap)', () => {
    const { plan } = importLines([map('1.000000', 'fffff200', '1000200'), unmap('1.000100', 'fffff200', 'h'), map('1.000150', 'ffffe200', '1000200')])
    expect(plan.platform.iommu).toMatchObject({ mode: 'translated', flush: 'strict' })
  })

  it('dma-direct when every DMA address is the physical address, swiotlb when some are 2 KiB slots', () => {
    expect(importLines([map('1.0', '1000200', '1000200'), unmap('1.1', '1000200')]).plan.platform.iommu.mode).toBe('none')
    const bounced = importLines([map('1.0', '5000800', '1000200'), unmap('1.1', '5000800')])
    expect(bounced.plan.platform.swiotlb.force).toBe(true)
    expect(said(bounced.summary.assumptions)).toContain('1 mapping(s) got an address on a 2 KiB swiotlb slot')
  })
})

describe('--platform FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dmaplan-platform-'))

  it('reads a platform from JSON, or the platform of a plan', async () => {
    const file = join(dir, 'p.json')
    writeFileSync(file, JSON.stringify({ kernel: '7.0', iommu: { mode: 'translated', granule: 4096, flush: 'lazy' } }))
    expect(await platformFile(file)).toMatchObject({ kernel: '7.0', iommu: { mode: 'translated', flush: 'lazy' } })
    const plan = join(dir, 'plan.json')
    writeFileSync(plan, readFileSync(join(import.meta.dirname, '../../examples/traces/nvme-7.3.plan.json')))
    expect(await platformFile(plan)).toMatchObject({ kernel: '7.3', iommu: { mode: 'translated', flush: 'strict' } })
  })

  it('reads the default export of a .ts module: platform({...})', async () => {
    const file = join(dir, 'p.ts')
    writeFileSync(file, `import { platform } from '${join(import.meta.dirname, '../../src/index.ts')}'\nexport default platform({ kernel: '6.12', iommu: { mode: 'passthrough' } })\n`)
    expect(await platformFile(file)).toMatchObject({ kernel: '6.12', iommu: { mode: 'passthrough' } })
  })

  it('says what is wrong with a file that is not a platform', async () => {
    const file = join(dir, 'bad.json')
    writeFileSync(file, JSON.stringify({ iommu: { mode: 'sometimes' } }))
    await expect(platformFile(file)).rejects.toThrow(/bad\.json: not a platform: iommu/)
  })

  it("takes the file's kernel, and its platform, over what the trace suggests", () => {
    const im = new TraceImporter({ platform: { kernel: '7.0', iommu: { mode: 'none' } } })
    im.push(map('1.0', '1000200', '1000200'))
    const { plan, summary } = im.finish()
    expect(plan.platform.kernel).toBe('7.0')
    expect(said(summary.assumptions)).toBe('')
  })
})

describe('the probes (dmaplan import --probes)', () => {
  it('become kprobe events, entry and return, where the kernel has no fprobe events', async () => {
    const { IOVA_PROBES, asKprobe } = await import('../../src/import/iova-probes.js')
    expect(IOVA_PROBES.map(asKprobe).slice(0, 2)).toEqual([
      'p:dmaplan/iova_alloc dma_iova_try_alloc dev=+0(+0($arg1)):string phys=$arg3:x64 size=$arg4:x64',
      'r:dmaplan/iova_alloc_ret dma_iova_try_alloc ret=$retval:u8 addr=+0($arg2):x64 state_size=+8($arg2):x64',
    ])
    expect(asKprobe('f:dmaplan/fq_flush fq_flush_timeout')).toBe('p:dmaplan/fq_flush fq_flush_timeout')
    expect(asKprobe('f:dmaplan/iova_free_ret dma_iova_free%return')).toBe('r:dmaplan/iova_free_ret dma_iova_free')
  })
})
