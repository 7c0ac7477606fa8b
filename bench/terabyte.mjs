/**
 * Terabyte regions: one region of 2^24 pages (64 GiB) and of 2^28 pages
 * (1 TiB) mapped with iova (one dma_iova_link), sg (a scatterlist of 2 GiB
 * segments, as an RDMA driver sets dma_set_max_seg_size(), and one of the
 * kernel's default 64 KiB: 2^24 entries for the terabyte), hmm (on-demand
 * paging: a mirror of the whole region, six pages faulted in) and blk (a
 * block request, which holds at most BIO_MAX_SIZE bytes: the largest one,
 * and the terabyte one that R12 refuses), each as a `dmaplan simulate`
 * process on one core: seconds, peak resident MiB, and the resident bytes
 * above the same plan over a one-page region, per page of the region.
 *
 * Beside them, in the same run, the naive baseline: one page-table entry per
 * page (an 8-byte frame and a byte of bits) and one IOVA-API tracker byte
 * per page, filled for the same number of pages in a process of its own.
 *
 *   npm run build && node bench/terabyte.mjs
 *
 * The targets (the 1 TiB iova plan under 5 s and 1 GiB resident, 2^24 pages
 * under 1 s) are read off the figures; nothing here asserts them.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { planToJson, platform } from '../dist/index.js'

const root = join(import.meta.dirname, '..')
const dir = mkdtempSync(join(tmpdir(), 'dmaplan-bench-tb-'))
const PAGE = 4096n

/** A plan of one region of `pages` pages mapped by one transaction of `strategy`, touched at both ends (sg: with 2 GiB segments unless `defaultSegments`). */
function plan(strategy, pages, defaultSegments = false) {
  const bytes = BigInt(pages) * PAGE
  const host = platform({ kernel: '7.0', ramBytes: bytes * 2n + (8n << 30n), iommu: { mode: 'translated', flush: 'strict' } })
  const nic = host.device('nic0', { dmaMask: 64 })
  const mr = host.ram('mr', { pages })
  let p = host.plan(nic, { name: 'big' })
  if (strategy === 'sg' && !defaultSegments) p = p.setMaxSegmentSize(2 ** 31)
  const dir = strategy === 'blk' ? 'to-device' : 'bidirectional'
  p = p.transaction('t', { strategy, dir, ...(strategy === 'hmm' ? { populate: false } : {}) }, [mr])
  if (strategy === 'hmm') for (const i of new Set([0, 1, 2, 4096, pages - 2, pages - 1].filter((k) => k >= 0 && k < pages))) p = p.hmmFault('t', i)
  const tail = bytes > 0x2000n ? bytes - 0x1000n : 0n
  if (strategy !== 'blk') p = p.deviceWrites('t', mr, { offset: 0, bytes: 0x1000 })
  p = p.deviceReads('t', mr, { offset: tail, bytes: 0x1000 })
  return planToJson(p.unmap('t').build())
}

/** Seconds, peak MiB and exit status of one command (GNU time reports the peak). */
function run(args) {
  const start = process.hrtime.bigint()
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...args], { encoding: 'utf8', maxBuffer: 1 << 30 })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const lines = r.stderr.trim().split('\n')
  return { seconds, kib: Number(lines.at(-1)), status: r.status, stderr: lines.slice(0, -1).join('\n'), stdout: r.stdout }
}

function simulate(strategy, pages, defaultSegments = false) {
  const file = join(dir, `${strategy}-${pages}${defaultSegments ? '-64k' : ''}.json`)
  writeFileSync(file, plan(strategy, pages, defaultSegments))
  return run([process.execPath, join(root, 'bin', 'dmaplan.js'), 'simulate', file])
}

/** The naive baseline: per-page arrays as a one-entry-per-page model keeps them, filled for `pages` pages. */
const NAIVE = `
const n = Number(process.argv[1])
const frames = new Float64Array(n), bits = new Uint8Array(n), tracker = new Uint8Array(n)
for (let i = 0; i < n; i++) { frames[i] = 0x100000 + i; bits[i] = 0x43; tracker[i] = 2 }
if (frames[n - 1] !== 0x100000 + n - 1) process.exit(1)
`
const naive = (pages) => run([process.execPath, '-e', NAIVE, String(pages)])

const rows = []
const row = (what, pages, r, base) => {
  const perPage = base === undefined ? '' : (((r.kib - base.kib) * 1024) / pages).toFixed(3)
  rows.push([what, pages, r, perPage])
}

for (const strategy of ['iova', 'sg', 'hmm']) {
  const one = simulate(strategy, 1)
  for (const log2 of [24, 28]) {
    const r = simulate(strategy, 2 ** log2)
    if (r.status !== 0) throw new Error(`${strategy} 2^${log2}: exit ${r.status}: ${r.stderr.slice(-400)}`)
    row(`simulate ${strategy}${strategy === 'hmm' ? ' (6 pages faulted)' : ''}`, 2 ** log2, { ...r, pages: 2 ** log2 }, one)
  }
}
{
  // The kernel's default maximum segment size (64 KiB): one scatterlist entry, one DMA segment and one dma-debug entry per 16 pages.
  const one = simulate('sg', 1, true)
  for (const log2 of [24, 28]) {
    const r = simulate('sg', 2 ** log2, true)
    if (r.status !== 0) throw new Error(`sg 64 KiB 2^${log2}: exit ${r.status}: ${r.stderr.slice(-400)}`)
    row('simulate sg (64 KiB segments)', 2 ** log2, { ...r, pages: 2 ** log2 }, one)
  }
}
{
  const one = simulate('blk', 1)
  // The largest request a bio holds: BIO_MAX_SIZE rounded down to pages.
  const largest = Number(0xffff_ffffn / PAGE)
  const r = simulate('blk', largest)
  if (r.status !== 0) throw new Error(`blk: exit ${r.status}: ${r.stderr.slice(-400)}`)
  row('simulate blk (largest request)', largest, { ...r, pages: largest }, one)
  // build() refuses it too: write the plan of one page and make its region a terabyte.
  const json = JSON.parse(plan('blk', 1))
  json.regions[0].bytes = `0x${(BigInt(2 ** 28) * PAGE).toString(16)}`
  json.platform.ramBytes = `0x${(BigInt(2 ** 29) * PAGE).toString(16)}`
  const file = join(dir, 'blk-terabyte.json')
  writeFileSync(file, JSON.stringify(json))
  const refused = run([process.execPath, join(root, 'bin', 'dmaplan.js'), 'simulate', file])
  if (refused.status !== 1 || !/R12 mr takes blk transaction t/.test(refused.stderr + refused.stdout)) throw new Error(`blk 1 TiB was not refused by R12: ${refused.stderr.slice(-400)}`)
  rows.push(['simulate blk 1 TiB (R12 refuses it)', 2 ** 28, { ...refused, pages: 2 ** 28 }, ''])
}
const empty = naive(1)
for (const log2 of [24, 28]) row('naive per-page baseline', 2 ** log2, { ...naive(2 ** log2), pages: 2 ** log2 }, empty)

console.log(`node ${process.version}; B/page: peak resident bytes above the same run over a region of one page, per page of the region`)
console.log('what                                    region pages   seconds   peak MiB   B/page')
for (const [what, _n, r, perPage] of rows)
  console.log(`${what.padEnd(40)} ${String(r.pages).padStart(12)}   ${r.seconds.toFixed(2).padStart(7)}   ${(r.kib / 1024).toFixed(0).padStart(8)}   ${perPage.padStart(6)}`)
rmSync(dir, { recursive: true, force: true })
