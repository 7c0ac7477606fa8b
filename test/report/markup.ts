/**
 * A small reader of the report's markup for tests: every start tag that
 * carries data-kind, with its attributes (entities decoded). The report
 * writes attributes in double quotes and escapes both quotes, so a regular
 * expression over start tags is exact here.
 */
export interface Drawn {
  readonly tag: string
  readonly kind: string
  readonly attrs: Readonly<Record<string, string>>
}

const ENTITY: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" }
export const unescape = (s: string): string => s.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITY[e] ?? e)

export function drawn(html: string): Drawn[] {
  const out: Drawn[] = []
  for (const m of html.matchAll(/<([a-zA-Z][\w-]*)(\s[^<>]*?)\/?>/g)) {
    const body = m[2] ?? ''
    if (!body.includes('data-kind="')) continue
    const attrs: Record<string, string> = {}
    for (const a of body.matchAll(/\s([\w:-]+)="([^"]*)"/g)) attrs[a[1] as string] = unescape(a[2] ?? '')
    out.push({ tag: m[1] as string, kind: attrs['data-kind'] ?? '', attrs })
  }
  return out
}

export const ofKind = (all: readonly Drawn[], kind: string, tx?: string): Drawn[] =>
  all.filter((d) => d.kind === kind && (tx === undefined || d.attrs['data-tx'] === tx))

export const attr = (d: Drawn, name: string): string => {
  const v = d.attrs[name]
  if (v === undefined) throw new Error(`<${d.tag} data-kind="${d.kind}"> has no ${name}`)
  return v
}

export const big = (d: Drawn, name: string): bigint => BigInt(attr(d, name))
