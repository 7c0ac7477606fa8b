/** The physical memory band: each region the transaction maps, where the result placed it, page ticks inside. */
import type { Island } from '../axis.js'
import { brokenAxis } from '../axis.js'
import { hex, human } from '../hex.js'
import type { PhysRange, TxModel } from '../model.js'
import { regionColor } from '../palette.js'
import { unreachable } from '../../plan/unreachable.js'
import type { SimResult } from '../../sim/result/schema.js'
import { axisTexts } from './band.js'
import type { BandDraw, Box, Overlay } from './band.js'
import { innerTicks, spanX, X0, X1 } from './geometry.js'

function kindText(r: PhysRange): string {
  switch (r.kind) {
    case 'normal':
      return 'RAM'
    case 'encrypted':
      return 'private RAM'
    case 'p2p-bus':
      return `P2P BAR${r.provider ? ` of ${r.provider}` : ''}`
    case 'p2p-host-bridge':
      return `P2P BAR${r.provider ? ` of ${r.provider}` : ''}, host bridge`
    case 'p2p-unsupported':
      return 'P2P, unreachable'
    default:
      return unreachable(r.kind)
  }
}

function kindLong(r: PhysRange): string {
  switch (r.kind) {
    case 'normal':
      return 'host RAM'
    case 'encrypted':
      return 'private (encrypted) memory of a confidential guest: the device cannot see it'
    case 'p2p-bus':
      return `P2P memory in a BAR${r.provider ? ` of ${r.provider}` : ''}, reached by PCI bus address`
    case 'p2p-host-bridge':
      return `P2P memory in a BAR${r.provider ? ` of ${r.provider}` : ''}, reached through the host bridge (mapped like MMIO)`
    case 'p2p-unsupported':
      return `P2P memory${r.provider ? ` of ${r.provider}` : ''} the device cannot reach`
    default:
      return unreachable(r.kind)
  }
}

/** What an island of physical memory is: RAM, a BAR, the swiotlb pool. */
function physCaption(result: SimResult, m: TxModel, i: Island): string {
  const inside = m.regions.filter((r) => r.phys < i.end && r.phys + r.bytes > i.start)
  const p2p = inside.filter((r) => r.kind.startsWith('p2p'))
  if (p2p.length > 0 && p2p.length === inside.length) {
    const owners = [...new Set(p2p.map((r) => r.provider ?? '?'))]
    return `PCI BAR of ${owners.join(', ')}`
  }
  if (m.pool !== undefined && i.start >= m.pool.start && i.end <= m.pool.end) return 'swiotlb pool'
  const ram = result.platform.ram.some((r) => i.start >= BigInt(r.start) && i.end <= BigInt(r.end))
  return ram ? 'System RAM' : 'physical'
}

export function physBand(result: SimResult, m: TxModel): BandDraw {
  const axis = brokenAxis(
    m.regions.map((r) => ({ start: r.phys, end: r.phys + r.bytes })),
    { x0: X0, x1: X1, align: m.page },
  )
  const boxes = m.regions.map((r, ri): Box => {
    const { x0, x1 } = spanX(axis, r.phys, r.bytes)
    const overlays: Overlay[] = m.unreached
      .filter((u) => u.region === ri)
      .map((u) => ({
        ...spanX(axis, r.phys + u.span.start, u.span.end - u.span.start),
        fill: 'url(#dp-unreached)',
        opacity: 1,
        title: `${r.region} +${hex(u.span.start)}..+${hex(u.span.end)}: no entry of the scatter-gather list reaches these bytes`,
        kind: 'unreached',
      }))
    return {
      x0,
      x1,
      lines: [`${r.region} · ${kindText(r)}`, `${hex(r.phys)} +${hex(r.bytes)}`],
      data: {
        'data-kind': 'phys-range',
        'data-id': r.id,
        'data-tx': m.tx.name,
        'data-region': r.region,
        'data-memory': r.kind,
        'data-phys': hex(r.phys),
        'data-len': hex(r.bytes),
      },
      title: `${r.region}: ${kindLong(r)}; physical ${hex(r.phys)}..${hex(r.phys + r.bytes - 1n)} (${human(r.bytes)}); placed by ${r.placed === 'plan' ? 'the plan' : 'the model'}`,
      fill: regionColor(r.color),
      fillOpacity: 0.2,
      stroke: regionColor(r.color),
      ...(r.kind.startsWith('p2p') ? { dash: '6 3' } : {}),
      ...(r.kind === 'encrypted' ? { pattern: 'url(#dp-private)' } : {}),
      overlays,
      ticks: innerTicks(axis, r.pages.start, r.pages.len, m.page).filter((t) => t > x0 + 0.5 && t < x1 - 0.5),
    }
  })
  return {
    key: 'phys',
    title: 'Physical memory',
    subtitle: 'CPU physical address',
    axis,
    boxes,
    axisTexts: axisTexts(axis, (i) => physCaption(result, m, i), ''),
    below: false,
    boxTop: 0,
  }
}
