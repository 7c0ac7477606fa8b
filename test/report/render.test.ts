/**
 * The HTML mapping report's markup against the simulation result: every
 * segment, physical range, IOVA range and bounce slot drawn is the result's,
 * exactly (count, addresses, lengths); links join drawn elements and carry
 * every byte; all findings are listed; the page is self-contained,
 * deterministic and escapes what it is given.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { txRegionNames } from '../../src/report/model.js'
import { renderHtml } from '../../src/report/index.js'
import { brokenAxis } from '../../src/report/axis.js'
import type { SimResult } from '../../src/sim/index.js'
import { descriptor } from '../../src/strategies/index.js'
import { allCases, loadExample, randomCases, renderCase } from './cases.js'
import type { ReportCase } from './cases.js'
import { attr, big, drawn, ofKind, unescape } from './markup.js'
import type { Drawn } from './markup.js'
import { expandSegments, segmentBytes, segmentCount } from '../../src/sim/result/segments.js'

let cases: ReportCase[] = []
/** The examples, then random plans: the structural checks run over both. */
let everything: ReportCase[] = []
beforeAll(async () => {
  cases = await allCases()
  everything = [...cases, ...randomCases(100)]
})

const each = (fn: (c: ReportCase) => void) => () => {
  expect(cases.length).toBe(14)
  expect(everything.length).toBe(114)
  for (const c of everything) {
    try {
      fn(c)
    } catch (e) {
      if (e instanceof Error) e.message = `${c.id}: ${e.message}`
      throw e
    }
  }
}

const hex = (v: bigint): string => `0x${v.toString(16)}`
/** The bytes a drawn element spans: a segment box of a run spans its entries together. */
const span = (d: Drawn): bigint => big(d, 'data-len') * BigInt(d.kind === 'segment' ? Number(d.attrs['data-repeat'] ?? 1) : 1)

describe('renderHtml: the drawing is the result', () => {
  it(
    'names each transaction\'s strategy with its descriptor\'s summary, as its legend',
    each((c) => {
      const legends = [...c.html.matchAll(/data-kind="strategy-legend">strategy ([^<]*)</g)].map((m) => unescape(m[1] ?? ''))
      expect(legends).toEqual(c.result.transactions.map((t) => descriptor(t.strategy).summary))
    }),
  )

  it(
    'draws one box per record of each transaction\'s hardware list (an entry, or a run of equal contiguous entries), with its DMA address, length and count',
    each((c) => {
      const all = drawn(c.html)
      expect(ofKind(all, 'segment')).toHaveLength(c.result.transactions.reduce((n, t) => n + t.segments.length, 0))
      for (const t of c.result.transactions) {
        const segs = ofKind(all, 'segment', t.name)
        let index = 0
        const records = t.segments.map((s) => {
          const row = [String(index), s.dma, s.len, s.repeat === undefined ? undefined : String(s.repeat), String(s.entries), String(s.first)]
          index += s.repeat ?? 1
          return row
        })
        expect(segs.map((s) => [attr(s, 'data-index'), attr(s, 'data-dma'), attr(s, 'data-len'), s.attrs['data-repeat'], attr(s, 'data-entries'), attr(s, 'data-first')])).toEqual(records)
        expect(segs.reduce((n, s) => n + Number(s.attrs['data-repeat'] ?? 1), 0)).toBe(segmentCount(t.segments))
        // A failed mapping has no list, and says why where the list would be.
        if (t.segments.length === 0) expect(ofKind(all, 'empty-band', t.name).some((e) => e.attrs['data-band'] === 'seg')).toBe(true)
      }
    }),
  )

  it(
    'draws each region a transaction maps where the result placed it',
    each((c) => {
      const all = drawn(c.html)
      for (const t of c.result.transactions) {
        const names = txRegionNames(c.plan, t.name)
        const ranges = ofKind(all, 'phys-range', t.name)
        expect(ranges.map((r) => attr(r, 'data-region'))).toEqual(names)
        for (const r of ranges) {
          const placed = c.result.regions.find((x) => x.name === attr(r, 'data-region'))
          expect(placed).toBeDefined()
          expect([attr(r, 'data-phys'), attr(r, 'data-len'), attr(r, 'data-memory')]).toEqual([placed?.phys, placed?.bytes, placed?.kind])
        }
      }
    }),
  )

  it(
    'draws IOVA ranges only behind an IOMMU, granule-aligned, holding every IOVA of the list, exactly the granules the transaction allocated',
    each((c) => {
      const all = drawn(c.html)
      const g = BigInt(c.result.platform.granule)
      if (c.result.device.path !== 'iommu') {
        expect(ofKind(all, 'iova-range')).toHaveLength(0)
        return
      }
      for (const t of c.result.transactions) {
        const ranges = ofKind(all, 'iova-range', t.name).map((r) => ({ start: big(r, 'data-iova'), len: big(r, 'data-len'), call: attr(r, 'data-call') }))
        for (const r of ranges) {
          expect(r.start % g).toBe(0n)
          expect(r.len % g).toBe(0n)
          expect(r.len).toBeGreaterThan(0n)
        }
        const granules = ranges.reduce((n, r) => n + r.len / g, 0n)
        expect(granules).toBe(BigInt(t.counters.iovaPages))
        for (const s of ofKind(all, 'segment', t.name).filter((s) => attr(s, 'data-addr') === 'iova')) {
          const dma = big(s, 'data-dma')
          const len = big(s, 'data-len')
          expect(ranges.some((r) => dma >= r.start && dma + len <= r.start + r.len), `segment ${hex(dma)}`).toBe(true)
        }
        // What the calls say they allocated lies in a range drawn as theirs.
        const holds = (call: string, start: bigint, len: bigint): boolean => ranges.some((r) => r.call === call && start >= r.start && start + len <= r.start + r.len)
        for (const call of t.calls) {
          if (call.fn === 'dma_iova_try_alloc' && call.ret === true) {
            const addr = BigInt(call.args['state.addr'] as string)
            const phys = BigInt(call.args['phys'] as string)
            const size = BigInt(call.args['size'] as string)
            expect(holds(call.fn, addr - (phys % g), ((phys % g) + size + g - 1n) / g * g), `${call.fn} at ${hex(addr)}`).toBe(true)
          }
          if (call.fn === 'hmm_dma_map_alloc' && call.args['state.addr'] !== undefined) {
            const size = BigInt(call.args['nr_entries'] as number) * BigInt(call.args['dma_entry_size'] as number)
            expect(holds(call.fn, BigInt(call.args['state.addr'] as string), size), call.fn).toBe(true)
          }
        }
      }
    }),
  )

  it('draws worked example E1 as one IOVA range of four granules (three asked for, rounded up to a power of two) holding a, b and c back to back in one segment', () => {
    const c = cases.find((x) => x.id === 'sg-coalesce')
    expect(c).toBeDefined()
    if (c === undefined) return
    const all = drawn(c.html)
    const [iova, ...more] = ofKind(all, 'iova-range', 'io')
    expect(more).toHaveLength(0)
    const seg = ofKind(all, 'segment', 'io')
    expect(seg).toHaveLength(1)
    const dma = big(seg[0] ?? iova!, 'data-dma')
    expect(dma % 0x1000n).toBe(0x200n)
    expect(iova && [big(iova, 'data-iova'), big(iova, 'data-len')]).toEqual([dma - 0x200n, 0x4000n])
    // a at +0x200, b at the next granule, c after it: the IOMMU made them contiguous.
    const toIova = ofKind(all, 'link', 'io').filter((l) => attr(l, 'data-link') === 'iommu')
    expect(toIova.map((l) => [attr(l, 'data-region'), big(l, 'data-to-addr') - dma, attr(l, 'data-len')])).toEqual([
      ['a', 0n, '0xe00'],
      ['b', 0xe00n, '0x1000'],
      ['c', 0x1e00n, '0x800'],
    ])
  })

  it(
    'links join drawn elements of their transaction, and carry every byte of every segment',
    each((c) => {
      const all = drawn(c.html)
      for (const t of c.result.transactions) {
        const ids = new Map(all.filter((d) => d.attrs['data-tx'] === t.name && d.attrs['data-id'] !== undefined).map((d) => [attr(d, 'data-id'), d]))
        const links = ofKind(all, 'link', t.name)
        for (const l of links) {
          const from = ids.get(attr(l, 'data-from'))
          const to = ids.get(attr(l, 'data-to'))
          expect(from, attr(l, 'data-from')).toBeDefined()
          expect(to, attr(l, 'data-to')).toBeDefined()
          expect(['iommu', 'dma', 'direct', 'bus', 'bounce']).toContain(attr(l, 'data-link'))
          // The ends lie inside the elements they join.
          for (const [end, el] of [
            ['data-from-addr', from],
            ['data-to-addr', to],
          ] as const) {
            if (el === undefined) continue
            const a = big(l, end)
            const len = big(l, 'data-len')
            const start = big(el, el.kind === 'segment' ? 'data-dma' : el.kind === 'iova-range' ? 'data-iova' : 'data-phys')
            expect(a >= start && a + len <= start + span(el), `${attr(l, 'data-id')} ${end}`).toBe(true)
          }
        }
        // An entry carries exactly its length, except the rest of a whole HMM page and a list
        // longer than its data (a kernel bug the simulator models), which stay hatched.
        const listed = segmentBytes(t.segments)
        const data = ofKind(all, 'phys-range', t.name).reduce((n, r) => n + big(r, 'data-len'), 0n)
        const exact = t.strategy !== 'hmm' && listed <= data
        for (const s of ofKind(all, 'segment', t.name)) {
          const carried = links.filter((l) => attr(l, 'data-to') === attr(s, 'data-id')).reduce((n, l) => n + big(l, 'data-len'), 0n)
          if (exact) expect(carried, attr(s, 'data-id')).toBe(span(s))
          else expect(carried, attr(s, 'data-id')).toBeLessThanOrEqual(span(s))
        }
        // Outside HMM every byte of every region reaches the list (HMM maps only faulted pages),
        // unless the kernel left a bus-address entry at length 0 (direct-sg-bus-addr-length-unset).
        if (t.strategy !== 'hmm' && t.segments.length > 0 && t.segments.every((s) => BigInt(s.len) > 0n))
          for (const r of ofKind(all, 'phys-range', t.name)) {
            const out = links.filter((l) => attr(l, 'data-from') === attr(r, 'data-id')).reduce((n, l) => n + big(l, 'data-len'), 0n)
            expect(out, attr(r, 'data-id')).toBe(big(r, 'data-len'))
          }
      }
    }),
  )

  it('sends P2P memory by bus address straight to its segment, past the IOVA space', () => {
    // gpu-direct's four 64 KiB bus-address entries are contiguous: one run, one box, one link.
    for (const [id, links] of [['gpu-direct', 1], ['rdma-mr', 1], ['auto-dispatch', 1]] as const) {
      const c = cases.find((x) => x.id === id)
      if (c === undefined) throw new Error(`no case ${id}`)
      const all = drawn(c.html)
      const bus = ofKind(all, 'link').filter((l) => attr(l, 'data-link') === 'bus')
      expect(bus.length, id).toBe(links)
      for (const l of bus) {
        expect(attr(l, 'data-from')).toMatch(/\/phys\//)
        expect(attr(l, 'data-to')).toMatch(/\/seg\//)
        const seg = ofKind(all, 'segment').find((s) => attr(s, 'data-id') === attr(l, 'data-to'))
        expect(seg && attr(seg, 'data-addr')).toBe('bus')
      }
    }
  })

  it(
    'marks the IOVA a range reserves but never links: the runs no link reaches, no more, no less',
    each((c) => {
      const all = drawn(c.html)
      for (const t of c.result.transactions)
        for (const r of ofKind(all, 'iova-range', t.name)) {
          const start = big(r, 'data-iova')
          const end = start + big(r, 'data-len')
          const inside = (d: Drawn, a: string) => big(d, a) >= start && big(d, a) < end
          const linked = ofKind(all, 'link', t.name)
            .filter((l) => attr(l, 'data-to') === attr(r, 'data-id'))
            .map((l) => [big(l, 'data-to-addr'), big(l, 'data-to-addr') + big(l, 'data-len')] as const)
          const reserved = ofKind(all, 'iova-reserved', t.name)
            .filter((x) => inside(x, 'data-iova'))
            .map((x) => [big(x, 'data-iova'), big(x, 'data-iova') + big(x, 'data-len')] as const)
          // Linked and reserved runs tile the range: every byte is one or the other, none both.
          let covered = 0n
          for (const [a, b] of reserved) {
            for (const [p, q] of linked) expect(a < q && p < b, `${attr(r, 'data-id')} reserved ${hex(a)} overlaps a link`).toBe(false)
            covered += b - a
          }
          const runs = [...linked].sort((x, y) => (x[0] < y[0] ? -1 : 1))
          let at = start
          for (const [p, q] of runs) {
            if (q > at) covered += q - (p > at ? p : at)
            if (q > at) at = q
          }
          expect(covered, attr(r, 'data-id')).toBe(end - start)
        }
    }),
  )

  it('routes a bus address around the IOVA row of rdma-mr, whose mirror reserves granules for the GPU pages it never links', () => {
    const c = cases.find((x) => x.id === 'rdma-mr')
    if (c === undefined) throw new Error('no case rdma-mr')
    const all = drawn(c.html)
    expect(ofKind(all, 'iova-reserved').map((x) => [attr(x, 'data-iova'), attr(x, 'data-len')])).toEqual([['0xffff8000', '0x4000']])
    expect(c.html).toContain('IOVA reserved but not linked')
    const rows = ofKind(all, 'iova-range').map((r) => ({ x1: Number(attr(r, 'x')) + Number(attr(r, 'width')), y0: Number(attr(r, 'y')) - 2, y1: Number(attr(r, 'y')) + Number(attr(r, 'height')) + 2 }))
    const bus = ofKind(all, 'link').filter((l) => attr(l, 'data-link') === 'bus')
    expect(bus).toHaveLength(1)
    for (const l of bus) {
      const points = [...attr(l, 'd').matchAll(/(-?[\d.]+) (-?[\d.]+)/g)].map((p) => [Number(p[1]), Number(p[2])] as const)
      const across = points.filter(([, y]) => rows.some((r) => y >= r.y0 && y <= r.y1))
      expect(across.length).toBeGreaterThan(0)
      for (const [x, y] of across) for (const r of rows) if (y >= r.y0 && y <= r.y1) expect(x, `bus link at y=${y}`).toBeGreaterThan(r.x1)
    }
  })

  it('marks the swiotlb slots a confidential guest bounces through, in the pool, and links the buffer to them', () => {
    const c = cases.find((x) => x.id === 'coco-bounce')
    if (c === undefined) throw new Error('no coco-bounce case')
    const all = drawn(c.html)
    const pkt = c.result.transactions.find((t) => t.name === 'pkt')
    const pool = c.result.platform.swiotlb
    expect(pkt?.name).toBe('pkt')
    expect(pool).not.toBeNull()
    if (pkt === undefined || pool === null) return
    const slots = ofKind(all, 'bounce-slot', 'pkt')
    expect(slots.length).toBe(1)
    expect(slots.reduce((n, s) => n + Number(attr(s, 'data-slots')), 0)).toBe(pkt.counters.bounceSlots)
    for (const s of slots) {
      const phys = big(s, 'data-phys')
      expect(phys >= BigInt(pool.base) && phys + big(s, 'data-len') <= BigInt(pool.base) + BigInt(pool.slots) * 2048n).toBe(true)
      expect(BigInt(attr(s, 'data-slot'))).toBe((phys - BigInt(pool.base)) / 2048n)
    }
    expect(slots.map((s) => attr(s, 'data-phys'))).toEqual(pkt.segments.map((s) => s.dma))
    const kinds = ofKind(all, 'link', 'pkt').map((l) => `${attr(l, 'data-link')}:${attr(l, 'data-from').split('/')[1]}>${attr(l, 'data-to').split('/')[1]}`)
    expect(kinds).toEqual(['bounce:phys>bounce', 'direct:bounce>seg'])
    // The coherent ring of the same guest is not bounced.
    expect(ofKind(all, 'bounce-slot', 'desc')).toHaveLength(0)
  })

  it(
    'lists every finding once with its severity, id and message, and the data check',
    each((c) => {
      const all = drawn(c.html)
      const listed = ofKind(all, 'finding')
      expect(listed.map((f) => [attr(f, 'data-severity'), attr(f, 'data-code'), f.attrs['data-tx']])).toEqual(c.result.findings.map((f) => [f.severity, f.id, f.tx]))
      for (const f of c.result.findings) expect(c.html).toContain(escapeForTest(f.message))
      const [check] = ofKind(all, 'data-check')
      expect(check && [attr(check, 'data-checks'), attr(check, 'data-errors')]).toEqual([String(c.result.data.checks), String(c.result.data.errors.length)])
      expect(ofKind(all, 'data-error')).toHaveLength(c.result.data.errors.length + c.result.transactions.reduce((n, t) => n + t.data.errors.length, 0))
    }),
  )

  it('draws failures: the fault-injected runs have failed transactions, their findings, and the injected call marked', () => {
    const failed = cases.filter((c) => c.result.transactions.some((t) => t.status === 'failed'))
    expect(failed.map((c) => c.id)).toEqual(['auto-dispatch.fail2', 'coco-bounce.fail2', 'gpu-direct.fail2', 'nvme-blk.fail2', 'rdma-mr.fail2', 'sg-coalesce.fail2'])
    for (const c of failed) {
      const all = drawn(c.html)
      for (const t of c.result.transactions.filter((x) => x.status === 'failed')) {
        const [section] = ofKind(all, 'transaction', t.name)
        expect(section && attr(section, 'data-status')).toBe('failed')
        expect(c.html).toContain(escapeForTest(t.error ?? ''))
      }
      const injected = c.result.transactions.flatMap((t) => t.calls).filter((x) => x.injected)
      for (const call of injected) expect(ofKind(all, 'call').some((d) => attr(d, 'data-seq') === String(call.seq))).toBe(true)
      expect(ofKind(all, 'finding').length).toBe(1)
    }
  })
})

describe('renderHtml: the page', () => {
  it(
    'is self-contained: no network reference, no script, no external stylesheet, font or image',
    each((c) => {
      expect(c.html).not.toMatch(/http/i)
      expect(c.html).not.toContain('//')
      expect(c.html).not.toMatch(/<script|<link|<iframe|<img|<object|<embed|@import|@font-face/i)
      for (const m of c.html.matchAll(/\b(?:src|href|xlink:href)\s*=\s*"([^"]*)"/gi)) expect(m[1], m[0]).toMatch(/^(#|data:)/)
      for (const m of c.html.matchAll(/url\(([^)]*)\)/g)) expect(m[1], m[0]).toMatch(/^#/)
      expect(c.html.startsWith('<!DOCTYPE html>')).toBe(true)
    }),
  )

  it(
    'is deterministic: the same result gives the same bytes, also after a JSON round trip',
    each((c) => {
      expect(renderHtml(c.result, c.plan, { source: `examples/${c.example}.ts` })).toBe(c.html)
      const again = JSON.parse(JSON.stringify(c.result)) as SimResult
      expect(renderHtml(again, c.plan, { source: `examples/${c.example}.ts` })).toBe(c.html)
    }),
  )

  it('gives every drawn element an id unique in the page', () => {
    for (const c of everything) {
      const ids = drawn(c.html)
        .map((d) => d.attrs['data-id'])
        .filter((x): x is string => x !== undefined)
      expect(new Set(ids).size, c.id).toBe(ids.length)
    }
  })

  it('escapes what the plan and the result say (messages are free text)', async () => {
    const plan = await loadExample('sg-coalesce')
    const base = renderCase('sg-coalesce', plan).result
    const evil = `<script>alert("x")</script> & 'quoted' <b>`
    const result: SimResult = {
      ...base,
      plan: `p<i>`,
      findings: [{ id: 'D9<', severity: 'warning', source: 'dma-debug', message: evil, tx: 'io' }],
      dmesg: [evil],
      aborted: evil,
    }
    const html = renderHtml(result, plan, { title: `t<"'>`, source: `a&b.ts`, note: evil })
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<b>')
    expect(html).not.toContain('<i>')
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39; &lt;b&gt;')
    expect(html).toContain('<title>t&lt;&quot;&#39;&gt;</title>')
    const [f] = ofKind(drawn(html), 'finding')
    expect(f && attr(f, 'data-code')).toBe('D9<')
    expect(unescape('&lt;b&gt;')).toBe('<b>')
  })
})

describe('broken axis', () => {
  it('keeps near ranges on one linear scale and breaks between far ones', () => {
    const axis = brokenAxis(
      [
        { start: 0x27fff4000n, end: 0x27fff8000n },
        { start: 0x27fff8000n, end: 0x280000000n },
        { start: 0x38000000000n, end: 0x38000004000n },
      ],
      { x0: 0, x1: 1000, align: 0x1000n, breakWidth: 40 },
    )
    expect(axis.islands.map((i) => [hex(i.start), hex(i.end), hex(i.gapBefore)])).toEqual([
      ['0x27fff4000', '0x280000000', '0x0'],
      ['0x38000000000', '0x38000004000', '0x37d80000000'],
    ])
    // One scale for both: 0xc000 and 0x4000 bytes share 960 px three to one.
    const [a, b] = axis.islands
    expect(a && a.x1 - a.x0).toBeCloseTo(720, 5)
    expect(b && b.x1 - b.x0).toBeCloseTo(240, 5)
    expect(axis.x(0x27fff8000n)).toBeCloseTo(240, 5)
    expect(axis.islands.every((i) => Math.abs(i.zoom - 1) < 1e-9)).toBe(true)
  })

  it('widens an island too small to see and says by how much', () => {
    const axis = brokenAxis(
      [
        { start: 0n, end: 0x1000000n },
        { start: 0xffff_ffff_ffff_f000n, end: 0xffff_ffff_ffff_f800n },
      ],
      { x0: 0, x1: 1000, align: 0x800n, minWidth: 120 },
    )
    const [big0, small] = axis.islands
    expect(small && small.x1 - small.x0).toBeCloseTo(120, 5)
    expect(small && small.zoom).toBeCloseTo(1170.285714, 6)
    expect(big0 && big0.zoom).toBeCloseTo(1, 9)
    expect(axis.x(0xffff_ffff_ffff_f800n)).toBeCloseTo(1000, 5)
  })
})

/** How the page writes text it is given (the same five entities). */
function escapeForTest(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}
