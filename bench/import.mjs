/**
 * Import benchmark: a trace of N dma events (a driver's single mappings,
 * scatterlists, syncs and coherent buffers in steady churn, as tracefs
 * prints them) through `dmaplan import`'s own code (importVerb(), as the
 * command line runs it: the trace streamed from a file, the plan written to
 * one). Prints the time, the events per second, the peak resident memory
 * and the plan's size.
 *
 *   npm run build && node bench/import.mjs [events]
 *
 * The target (issue: 10 million events in under 30 s and under 1 GiB) is
 * read off the figures; nothing here asserts it.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { importVerb } from '../dist/cli/import-trace.js'

const EVENTS = Number(process.argv[2] ?? 1_000_000)
const dir = mkdtempSync(join(tmpdir(), 'dmaplan-bench-import-'))
const file = join(dir, 'dma.trace')

/** A driver's traffic: map, sync, unmap of a page; a 3-entry list mapped and unmapped; a coherent ring now and then. */
async function writeTrace() {
  const out = createWriteStream(file)
  const hex = (v) => v.toString(16)
  let t = 1
  let n = 0
  const line = (event, fields) => {
    t += 1e-6
    n++
    return `          kworker-77      [001] .....  ${t.toFixed(6)}: ${event}: 0000:00:04.0 ${fields}\n`
  }
  for (let i = 0; n < EVENTS; i++) {
    const phys = 0x1000000 + (i % 4096) * 0x1000
    const dma = 0xfff00000 - (i % 256) * 0x1000
    let chunk =
      line('dma_map_phys', `dir=TO_DEVICE dma_addr=${hex(dma)} size=4096 phys_addr=${hex(phys)} attrs=`) +
      line('dma_sync_single_for_device', `dir=TO_DEVICE dma_addr=${hex(dma)} size=4096`) +
      line('dma_unmap_phys', `dir=TO_DEVICE dma_addr=${hex(dma)} size=4096 attrs=`)
    if (i % 4 === 0) {
      const p = [phys + 0x200, phys + 0x1000, phys + 0x2000].map((x) => `0x${hex(x)}`).join(',')
      chunk +=
        line('dma_map_sg', `dir=FROM_DEVICE nents=3/3 ents=1/1 dma_addrs={0x${hex(dma - 0x100000)}} sizes={0x2600} phys_addrs={${p}} attrs=`) +
        line('dma_unmap_sg', `dir=FROM_DEVICE phys_addrs={${p}} attrs=`)
    }
    if (i % 64 === 0)
      chunk +=
        line('dma_alloc', `dir=BIDIRECTIONAL dma_addr=${hex(dma - 0x200000)} size=4096 virt_addr=(____ptrval____) flags=GFP_KERNEL attrs=`) +
        line('dma_free', `dir=BIDIRECTIONAL dma_addr=${hex(dma - 0x200000)} size=4096 virt_addr=(____ptrval____) attrs=`)
    if (!out.write(chunk)) await new Promise((go) => out.once('drain', go))
  }
  await new Promise((go) => out.end(go))
  return n
}

const written = await writeTrace()
const plan = join(dir, 'plan.json')
const lines = []
const quiet = { json: false, print: (l) => lines.push(l), error: (l) => lines.push(l) }
let peak = 0
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
const t0 = performance.now()
await importVerb(file, { platform: 'vtd-strict', kernel: '7.3', out: plan }, quiet)
const seconds = (performance.now() - t0) / 1000
clearInterval(sample)
peak = Math.max(peak, process.memoryUsage().rss)
console.log(
  `import of ${written} events: ${seconds.toFixed(1)} s (${Math.round(written / seconds)} events/s), peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB; plan ${(statSync(plan).size / 2 ** 20).toFixed(0)} MiB; ${lines.join(' ')}`,
)
rmSync(dir, { recursive: true, force: true })
