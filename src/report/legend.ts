/**
 * The legend of the pictures and the SVG patterns they share (hatchings).
 * The patterns live in one zero-sized SVG at the top of the page (not
 * display:none, which would stop them from painting) and every picture
 * refers to them by id.
 */
import { esc } from './escape.js'
import { COLORS, regionColor } from './palette.js'
import { tag } from './svg.js'

export function sharedDefs(): string {
  const hatch = (id: string, color: string, width: number, size: number, angle: number, bg?: string): string =>
    tag(
      'pattern',
      { id, patternUnits: 'userSpaceOnUse', width: size, height: size, patternTransform: `rotate(${angle})` },
      (bg !== undefined ? tag('rect', { width: size, height: size, fill: bg }) : '') + tag('line', { x1: 0, y1: 0, x2: 0, y2: size, stroke: color, 'stroke-width': width }),
    )
  return tag(
    'svg',
    { width: 0, height: 0, class: 'defs', 'aria-hidden': 'true', focusable: 'false' },
    tag(
      'defs',
      {},
      [
        hatch('dp-reserved', '#6f8fb3', 1.4, 6, 45, '#f3f6fa'),
        hatch('dp-unreached', '#8a94a3', 1.2, 5, -45, '#f4f5f7'),
        hatch('dp-private', '#7a4b9c', 0.8, 4, 45),
        hatch('dp-bounce', '#f0b57a', 1, 6, -45),
      ].join(''),
    ),
  )
}

interface Entry {
  readonly swatch: string
  readonly text: string
}

const SW = 'width="46" height="22" viewBox="0 0 46 22"'

const box = (fill: string, stroke: string, extra = '', overlay = ''): string =>
  `<svg ${SW} aria-hidden="true">${tag('rect', { x: 1, y: 3, width: 44, height: 16, rx: 2, fill, stroke, ...(extra ? { 'stroke-dasharray': extra } : {}) })}${overlay}</svg>`

const ribbon = (fill: string, stroke: string, dash = ''): string =>
  `<svg ${SW} aria-hidden="true">${tag('path', { d: 'M4 1C4 11 20 11 20 21L34 21C34 11 18 11 18 1Z', fill, 'fill-opacity': 0.3, stroke, ...(dash ? { 'stroke-dasharray': dash } : {}) })}</svg>`

export function legend(): string {
  const c = regionColor(0)
  const entries: Entry[] = [
    { swatch: box(`${c}33`, c), text: 'physical range of a region (host RAM), in the colour that follows its bytes' },
    { swatch: box(`${regionColor(2)}33`, regionColor(2), '6 3'), text: 'P2P memory in a peer device\'s BAR (dashed)' },
    { swatch: box(`${regionColor(1)}33`, regionColor(1), '', tag('rect', { x: 1, y: 3, width: 44, height: 16, fill: 'url(#dp-private)' })), text: 'private (encrypted) memory of a confidential guest' },
    { swatch: box(COLORS.bounceFill, COLORS.bounce, '', tag('rect', { x: 1, y: 3, width: 44, height: 16, fill: 'url(#dp-bounce)' })), text: 'swiotlb bounce slots (2 KiB each) in the pool' },
    { swatch: box(COLORS.iovaFill, COLORS.iova, '', tag('rect', { x: 2, y: 4, width: 42, height: 14, fill: c, 'fill-opacity': 0.38 })), text: 'IOVA range, coloured where linked to memory; ticks at each granule' },
    { swatch: box(COLORS.iovaFill, COLORS.iova, '', tag('rect', { x: 1, y: 3, width: 44, height: 16, fill: 'url(#dp-reserved)' })), text: 'IOVA reserved but not linked: allocated for the range, no memory behind it' },
    { swatch: box('#ffffff', COLORS.segment), text: 'scatter-gather entry: DMA address and length the device is programmed with' },
    { swatch: box('#f4f5f7', '#8a94a3', '', tag('rect', { x: 1, y: 3, width: 44, height: 16, fill: 'url(#dp-unreached)' })), text: 'bytes no entry reaches (HMM page not faulted in, or a short list)' },
    { swatch: ribbon(c, c), text: 'link: IOMMU page table (physical -> IOVA), or the DMA address of an entry' },
    { swatch: ribbon(c, COLORS.bus, '4 2'), text: 'PCI bus address: P2P straight to the entry, around the IOVA space (dotted beside it)' },
    { swatch: ribbon(regionColor(4), COLORS.bounce, '4 2'), text: 'bounce copy between the memory and its swiotlb slots (dashed orange)' },
    {
      swatch: `<svg ${SW} aria-hidden="true">${tag('line', { x1: 2, y1: 11, x2: 17, y2: 11, class: 'axis' })}${tag('path', { d: 'M16 16L21 6M24 16L29 6', class: 'break' })}${tag('line', { x1: 29, y1: 11, x2: 44, y2: 11, class: 'axis' })}</svg>`,
      text: 'axis break: the address space in between is left out (its size is written on it); each side is linear',
    },
  ]
  return `<ul class="legend" data-kind="legend">${entries.map((e) => `<li>${e.swatch}<span>${esc(e.text)}</span></li>`).join('')}</ul>`
}
