/**
 * The page's stylesheet, inline: the report is one file that opens from
 * file:// with no network, so no web fonts (local monospace faces only).
 */
import { COLORS } from './palette.js'

export const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 28px 40px; background: #f6f7f9; color: ${COLORS.ink};
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
code, .mono, td.num, td.addr { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0; }
h3 { font-size: 14px; margin: 14px 0 6px; color: ${COLORS.muted}; text-transform: uppercase; letter-spacing: .04em; }
header, section { background: #fff; border: 1px solid #dde2e8; border-radius: 8px; padding: 16px 20px; margin: 0 auto 18px; max-width: 1180px; }
.sub { color: ${COLORS.muted}; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; vertical-align: 2px; margin-left: 6px; border: 1px solid transparent; }
.badge.ok { background: #e3f3e6; color: #1e6b2c; border-color: #b9dfc0; }
.badge.bad, .badge.failed, .badge.error { background: #fde8e8; color: ${COLORS.error}; border-color: #f3b9b9; }
.badge.warning, .badge.kept, .badge.mapped { background: #fff3dc; color: ${COLORS.warning}; border-color: #f1d39a; }
.badge.info, .badge.unmapped, .badge.plain { background: #e8f0f8; color: ${COLORS.info}; border-color: #c3d6ea; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 10px 0 0; }
dl.facts dt { color: ${COLORS.muted}; }
dl.facts dd { margin: 0; }
ul.legend { list-style: none; margin: 0 0 10px; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 4px 18px; }
ul.legend li { display: flex; align-items: center; gap: 10px; font-size: 13px; }
ul.legend svg { flex: none; }
table { border-collapse: collapse; font-size: 13px; }
th { text-align: left; color: ${COLORS.muted}; font-weight: 600; padding: 3px 10px 3px 0; border-bottom: 1px solid #dde2e8; }
td { padding: 3px 10px 3px 0; border-bottom: 1px solid #eef0f3; vertical-align: top; }
td.num, td.addr, td.nowrap, th { white-space: nowrap; }
tr.error td.sev { color: ${COLORS.error}; font-weight: 700; }
tr.warning td.sev { color: ${COLORS.warning}; font-weight: 700; }
tr.info td.sev { color: ${COLORS.info}; font-weight: 700; }
tr.failed td { background: #fdf0f0; }
tr.injected td { background: #fde8e8; }
.picture { margin: 12px 0 4px; border: 1px solid #eef0f3; border-radius: 6px; background: #fff; }
/* The picture scales down with the page (viewBox), never past its own width. */
.picture svg { display: block; width: 100%; max-width: 1120px; height: auto; }
.scroll { max-width: 100%; overflow-x: auto; }
dd { overflow-wrap: anywhere; }
@media (max-width: 900px) {
  body { padding: 10px 8px 24px; }
  header, section { padding: 12px 10px; }
  ul.legend { grid-template-columns: 1fr; }
}
.note { margin: 6px 0; padding: 6px 10px; border-left: 3px solid ${COLORS.warning}; background: #fffaf0; font-size: 13px; }
.note.failed { border-left-color: ${COLORS.error}; background: #fdf3f3; }
.grid { display: flex; flex-wrap: wrap; gap: 6px 36px; align-items: flex-start; }
.grid > div { min-width: 0; max-width: 100%; overflow-x: auto; }
details { margin-top: 10px; }
summary { cursor: pointer; color: ${COLORS.muted}; font-weight: 600; }
pre { background: #f3f4f6; padding: 8px 10px; border-radius: 6px; overflow-x: auto; font-size: 12px; }
footer { max-width: 1180px; margin: 0 auto; color: ${COLORS.muted}; font-size: 12px; }
svg.defs { position: absolute; }
svg text { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; fill: ${COLORS.ink}; }
svg .band-title { font: 600 13px system-ui, "DejaVu Sans", sans-serif; }
svg .band-sub, svg .gap-sub { font: 11px system-ui, "DejaVu Sans", sans-serif; fill: ${COLORS.muted}; }
svg .gap-title { font: italic 600 11px system-ui, "DejaVu Sans", sans-serif; fill: ${COLORS.muted}; }
svg .box-label { font-size: 11px; font-weight: 600; }
svg .box-addr { font-size: 10px; fill: #333b45; }
svg .box-label, svg .box-addr { paint-order: stroke; stroke: rgba(255,255,255,.75); stroke-width: 3px; stroke-linejoin: round; }
svg .outside { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg .axis-text { font-size: 10px; fill: ${COLORS.muted}; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg .axis-text.caption { font-style: italic; }
svg .axis-text.gap { fill: #6b4e16; }
svg .axis, .legend .axis { stroke: ${COLORS.axis}; stroke-width: 1; }
svg .tick { stroke: ${COLORS.axis}; stroke-width: 1; }
svg .tick.major { stroke-width: 1.4; }
svg .break, .legend .break { stroke: #6b4e16; stroke-width: 1.6; fill: none; }
svg .break.faint { stroke: #b9a57d; stroke-width: 1; }
svg .inner-tick { stroke: #6d7886; stroke-width: .8; opacity: .7; }
svg .box { stroke-width: 1.4; }
svg .pattern, svg .use, svg .inner-tick { pointer-events: none; }
svg .leader { stroke: #9aa4b1; stroke-width: .8; }
svg .link { fill-opacity: .26; stroke-width: .9; stroke-opacity: .8; }
svg .link-bus { stroke-dasharray: 5 3; stroke-width: 1.3; }
svg .link-bounce { stroke-dasharray: 4 2; stroke-width: 1.3; stroke-opacity: 1; }
svg .link:hover { fill-opacity: .6; }
svg .bypass { fill: none; stroke-width: 1; stroke-dasharray: 2 3; stroke-opacity: .55; }
svg .overlay-label { font: italic 10px system-ui, "DejaVu Sans", sans-serif; fill: #2f4a6b; paint-order: stroke; stroke: #f3f6fa; stroke-width: 3px; stroke-linejoin: round; pointer-events: none; }
svg .empty { fill: #fafbfc; stroke: #b8c0ca; stroke-dasharray: 5 4; }
svg .empty-text { font: italic 12px system-ui, "DejaVu Sans", sans-serif; fill: ${COLORS.muted}; }
svg .empty-text.failed { fill: ${COLORS.error}; font-style: normal; font-weight: 600; }
`
