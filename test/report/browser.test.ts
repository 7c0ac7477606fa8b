/**
 * The HTML mapping report in a real browser: Debian's chromium driven by
 * playwright-core opens each written report from file://, and the drawn
 * elements (found through the DOM) must match the simulation result, be
 * visible and lie inside their picture; no network request may be
 * attempted. A full-page screenshot of each report is kept under
 * artifacts/ (report-<example>.png), and of three reports the first
 * screen at 1400x1000 and 800x1000 (report-<example>-<width>x1000.png):
 * there the first picture must start on the first screen, scale with the
 * window, and nothing may stick out past the window's right edge.
 *
 * Without chromium the test is skipped with a line saying so, except on CI
 * (process.env.CI), where it fails: there the browser is part of the job.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { txRegionNames } from '../../src/report/model.js'
import { ROOT } from '../support/fixtures.js'
import { needTools } from '../support/tools.js'
import { allCases } from './cases.js'
import type { ReportCase } from './cases.js'

const CHROMIUM = process.env['DMAPLAN_CHROMIUM'] ?? '/usr/bin/chromium'
const haveChromium = existsSync(CHROMIUM)
const SUITE = 'HTML mapping report in chromium'
const missing = haveChromium ? [] : [`chromium at ${CHROMIUM} (apt install chromium, or set DMAPLAN_CHROMIUM)`]

const ARTIFACTS = join(ROOT, 'artifacts')
/** The examples whose reports are opened (all of them, and the failure runs that draw something different). */
const OPENED = (c: ReportCase): boolean => !c.id.includes('.fail') || ['auto-dispatch.fail2', 'coco-bounce.fail2', 'hmm-odp.fail2'].includes(c.id)

interface PageRect {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}
interface PageElement {
  getBoundingClientRect(): PageRect
  getAttribute(name: string): string | null
  closest(selector: string): PageElement | null
  readonly attributes: ArrayLike<{ readonly name: string; readonly value: string }>
}
interface PageWindow {
  readonly scrollX: number
  readonly scrollY: number
  readonly document: { querySelectorAll(selector: string): ArrayLike<PageElement> }
}

interface Seen {
  readonly kind: string
  readonly tx: string | null
  readonly attrs: Record<string, string>
  readonly box: { x: number; y: number; width: number; height: number }
  /** The bounding box of the <svg> the element is drawn in, if any. */
  readonly svg: { x: number; y: number; width: number; height: number } | null
}

/**
 * The picture for the README, at twice the resolution: the RDMA memory
 * region of rdma-mr.ts (host pages through one IOVA range, the GPU's pages
 * by bus address), its heading and picture without the tables.
 */
async function readmePicture(browser: Browser | undefined, url: string): Promise<void> {
  if (browser === undefined) return
  const hi = await browser.newContext({ viewport: { width: 1260, height: 900 }, deviceScaleFactor: 2 })
  const page = await hi.newPage()
  await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()))
  await page.goto(url, { waitUntil: 'load' })
  const section = await page.locator('section.tx').first().boundingBox()
  const picture = await page.locator('section.tx .picture').first().boundingBox()
  if (section !== null && picture !== null)
    await page.screenshot({
      path: join(ARTIFACTS, 'report-rdma-mr-picture.png'),
      fullPage: true,
      clip: { x: section.x, y: section.y, width: section.width, height: picture.y + picture.height + 14 - section.y },
    })
  await hi.close()
}

if (needTools('test/report/browser.test.ts', SUITE, missing)) {
  describe(SUITE, () => {
    let browser: Browser | undefined
    let context: BrowserContext | undefined
    let cases: ReportCase[] = []

    beforeAll(async () => {
      cases = (await allCases()).filter(OPENED)
      // launch() runs chromium on a fresh temporary profile of its own.
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      })
      context = await browser.newContext({ viewport: { width: 1260, height: 900 }, deviceScaleFactor: 1 })
      mkdirSync(ARTIFACTS, { recursive: true })
    })

    afterAll(async () => {
      await context?.close()
      await browser?.close()
    })

    it('draws what the simulation found, visibly, inside each picture, without touching the network', async () => {
      expect(cases.length).toBe(10)
      for (const c of cases) {
        if (context === undefined) throw new Error('no browser')
        const file = join(ARTIFACTS, `report-${c.id}.html`)
        writeFileSync(file, c.html)
        const page = await context.newPage()
        const network: string[] = []
        page.on('request', (r) => {
          if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) network.push(r.url())
        })
        // Anything but the file itself is refused, so an attempt shows up and cannot leave the machine.
        await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()))
        const url = pathToFileURL(file).href
        await page.goto(url, { waitUntil: 'load' })
        expect(await page.title(), c.id).toBe(`dmaplan mapping report: ${c.result.plan}`)

        const seen = (await page.evaluate(() => {
          // Runs in the page; the project's types have no DOM library, so the little used is declared here.
          const w = globalThis as unknown as PageWindow
          const rect = (e: PageElement) => {
            const r = e.getBoundingClientRect()
            return { x: r.x + w.scrollX, y: r.y + w.scrollY, width: r.width, height: r.height }
          }
          return Array.from(w.document.querySelectorAll('[data-kind]')).map((e) => {
            const attrs: Record<string, string> = {}
            for (const a of Array.from(e.attributes)) if (a.name.startsWith('data-')) attrs[a.name] = a.value
            const svg = e.closest('svg.tx-picture')
            return { kind: e.getAttribute('data-kind') ?? '', tx: e.getAttribute('data-tx'), attrs, box: rect(e), svg: svg && svg !== e ? rect(svg) : null }
          })
        })) as Seen[]
        const of = (kind: string, tx?: string) => seen.filter((s) => s.kind === kind && (tx === undefined || s.tx === tx))

        for (const t of c.result.transactions) {
          const where = `${c.id} ${t.name}`
          expect(of('tx-picture', t.name), where).toHaveLength(1)
          const segs = of('segment', t.name)
          expect(segs.map((s) => [s.attrs['data-dma'], s.attrs['data-len']]), where).toEqual(t.segments.map((s) => [s.dma, s.len]))
          const phys = of('phys-range', t.name)
          expect(phys.map((p) => p.attrs['data-region']), where).toEqual(txRegionNames(c.plan, t.name))
          for (const p of phys) {
            const r = c.result.regions.find((x) => x.name === p.attrs['data-region'])
            expect([p.attrs['data-phys'], p.attrs['data-len']], where).toEqual([r?.phys, r?.bytes])
          }
          if (c.result.device.path !== 'iommu') expect(of('iova-range', t.name), where).toHaveLength(0)
          // Every drawn element is visible and inside its picture.
          for (const s of seen.filter((x) => x.tx === t.name && ['segment', 'phys-range', 'iova-range', 'bounce-slot', 'link'].includes(x.kind))) {
            const what = `${where} ${s.kind} ${s.attrs['data-id'] ?? ''}`
            expect(s.box.width, what).toBeGreaterThan(0)
            expect(s.box.height, what).toBeGreaterThan(0)
            expect(s.svg, what).not.toBeNull()
            if (s.svg === null) continue
            expect(s.box.x, what).toBeGreaterThanOrEqual(s.svg.x - 0.5)
            expect(s.box.y, what).toBeGreaterThanOrEqual(s.svg.y - 0.5)
            expect(s.box.x + s.box.width, what).toBeLessThanOrEqual(s.svg.x + s.svg.width + 0.5)
            expect(s.box.y + s.box.height, what).toBeLessThanOrEqual(s.svg.y + s.svg.height + 0.5)
          }
          // Links join elements that are on the page.
          const ids = new Set(seen.filter((s) => s.tx === t.name).map((s) => s.attrs['data-id']))
          for (const l of of('link', t.name)) {
            expect(ids.has(l.attrs['data-from']), `${where} ${l.attrs['data-from']}`).toBe(true)
            expect(ids.has(l.attrs['data-to']), `${where} ${l.attrs['data-to']}`).toBe(true)
          }
          // Boxes of one band do not overlap: ranges of one address space are disjoint.
          for (const kind of ['phys-range', 'iova-range', 'segment', 'bounce-slot']) {
            const boxes = of(kind, t.name)
              .map((s) => s.box)
              .sort((a, b) => a.x - b.x)
            for (let i = 1; i < boxes.length; i++) expect((boxes[i]?.x ?? 0) + 0.5, `${where} ${kind}`).toBeGreaterThanOrEqual((boxes[i - 1]?.x ?? 0) + (boxes[i - 1]?.width ?? 0))
          }
        }
        expect(of('finding').map((f) => f.attrs['data-code']), c.id).toEqual(c.result.findings.map((f) => f.id))
        for (const f of of('finding')) expect(f.box.height, `${c.id} finding`).toBeGreaterThan(0)
        const bounce = c.result.transactions.reduce((n, t) => n + (c.result.device.path === 'direct' ? t.counters.bounceSlots : 0), 0)
        expect(of('bounce-slot').reduce((n, s) => n + Number(s.attrs['data-slots']), 0), c.id).toBe(bounce)

        await page.screenshot({ path: join(ARTIFACTS, `report-${c.id}.png`), fullPage: true })
        await page.close()
        if (c.id === 'rdma-mr') await readmePicture(browser, url)
        expect(network, `${c.id}: network requests`).toEqual([])
      }
    })

    it('shows the picture on the first screen at 1400x1000 and nothing wider than the window at 800x1000', async () => {
      if (browser === undefined) throw new Error('no browser')
      const shown = ['rdma-mr', 'gpu-direct', 'coco-bounce']
      for (const id of shown) {
        const c = cases.find((x) => x.id === id)
        if (c === undefined) throw new Error(`no case ${id}`)
        const file = join(ARTIFACTS, `report-${id}.html`)
        writeFileSync(file, c.html)
        for (const width of [1400, 800]) {
          const ctx = await browser.newContext({ viewport: { width, height: 1000 }, deviceScaleFactor: 1 })
          const page = await ctx.newPage()
          await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()))
          await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
          const m = (await page.evaluate(() => {
            // Runs in the page; the little of the DOM used is declared here (the project has no DOM library).
            interface El {
              getBoundingClientRect(): { left: number; right: number; top: number; width: number }
              readonly parentElement: El | null
              readonly tagName: string
              getAttribute(n: string): string | null
            }
            const w = globalThis as unknown as {
              innerWidth: number
              document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelectorAll(s: string): ArrayLike<El>; querySelector(s: string): El | null }
              getComputedStyle(e: El): { overflowX: string; display: string }
            }
            // An element inside a box that scrolls on its own (a wide table) does not widen the page.
            const scrolled = (e: El): boolean => {
              for (let p = e.parentElement; p !== null; p = p.parentElement) if (['auto', 'scroll', 'hidden'].includes(w.getComputedStyle(p).overflowX)) return true
              return false
            }
            const over = Array.from(w.document.querySelectorAll('body *'))
              .filter((e) => w.getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().width > 0)
              .filter((e) => e.getBoundingClientRect().right > w.innerWidth + 0.5 && !scrolled(e))
              .map((e) => `${e.tagName}${e.getAttribute('class') ? `.${e.getAttribute('class')}` : ''}`)
            const svg = w.document.querySelector('svg.tx-picture')
            const box = svg?.getBoundingClientRect()
            const viewBox = Number(svg?.getAttribute('viewBox')?.split(' ')[2] ?? 'NaN')
            return { over, page: w.document.documentElement.scrollWidth, window: w.document.documentElement.clientWidth, svgTop: box?.top ?? NaN, svgRight: box?.right ?? NaN, scale: (box?.width ?? NaN) / viewBox }
          })) as { over: string[]; page: number; window: number; svgTop: number; svgRight: number; scale: number }
          const where = `${id} at ${width}px`
          await page.screenshot({ path: join(ARTIFACTS, `report-${id}-${width}x1000.png`) })
          await ctx.close()
          expect(m.page, `${where}: page width`).toBeLessThanOrEqual(m.window)
          expect(m.over, `${where}: elements past the right edge`).toEqual([])
          expect(m.svgRight, `${where}: picture's right edge`).toBeLessThanOrEqual(m.window)
          // The first picture starts on the first screen, and scales rather than overflowing.
          expect(m.svgTop, `${where}: picture's top`).toBeLessThan(width === 1400 ? 500 : 1000)
          // Its smallest text (10 px in the viewBox) stays at least 6.5 px on the screen at 800 px.
          expect(m.scale * 10, `${where}: smallest picture text in px`).toBeGreaterThanOrEqual(width === 1400 ? 10 : 6.5)
        }
      }
    })
  })
}
