/**
 * The templates of a target, read once from templates/<dir> and parsed, and
 * the rendering of a set of sections with their dependencies in a fixed
 * order (the order of `order`, then the order within each file), so that
 * whatever the plan uses comes out the same way every time.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { TEMPLATES_DIR } from './root.js'
import { parseTemplate } from './parse.js'
import type { Section, TemplateNode } from './parse.js'

export type Flags = Readonly<Record<string, boolean>>

export class TemplateLibrary {
  readonly #sections = new Map<string, Section>()
  readonly #fragments = new Map<string, Section>()
  readonly #rank = new Map<string, number>()

  /** order: template files (names without extension) in output order. */
  constructor(dir: string, order: readonly string[]) {
    const files = readdirSync(dir)
    let rank = 0
    for (const base of order) {
      const name = files.find((f) => f.replace(/\.[^.]+$/, '') === base)
      if (name === undefined) throw new Error(`template ${base} is missing from ${dir}`)
      const parsed = parseTemplate(base, readFileSync(join(dir, name), 'utf8'))
      for (const s of parsed.sections) {
        this.#sections.set(s.id, s)
        this.#rank.set(s.id, rank++)
      }
      for (const f of parsed.fragments) this.#fragments.set(f.id, f)
    }
    for (const s of this.#sections.values())
      for (const n of s.needs) if (!this.#sections.has(n)) throw new Error(`section ${s.id} needs ${n}, which does not exist`)
    // A section's text depends on the flags of what it includes too.
    const flags = new Map<string, ReadonlySet<string>>()
    const flagsOf = (s: Section, path: readonly string[]): ReadonlySet<string> => {
      const known = flags.get(s.id)
      if (known !== undefined) return known
      const all = new Set(s.flags)
      const visit = (nodes: readonly TemplateNode[]) => {
        for (const n of nodes) {
          if (typeof n === 'string') continue
          if ('flag' in n) {
            visit(n.then)
            visit(n.else)
            continue
          }
          const f = this.#fragments.get(n.include)
          if (f === undefined) throw new Error(`${s.id} includes ${n.include}, which is not a fragment`)
          if (path.includes(f.id)) throw new Error(`fragment ${f.id} includes itself: ${[...path, f.id].join(' -> ')}`)
          for (const flag of flagsOf(f, [...path, f.id])) if (!(flag in n.fixed)) all.add(flag)
        }
      }
      visit(s.body)
      flags.set(s.id, all)
      return all
    }
    for (const f of this.#fragments.values()) this.#fragments.set(f.id, { ...f, flags: flagsOf(f, [f.id]) })
    for (const s of this.#sections.values()) this.#sections.set(s.id, { ...s, flags: flagsOf(s, [s.id]) })
  }

  /** Every section, in output order. */
  ids(): string[] {
    return [...this.#sections.keys()]
  }

  has(id: string): boolean {
    return this.#sections.has(id)
  }

  section(id: string): Section {
    const s = this.#sections.get(id)
    if (s === undefined) throw new Error(`no template section ${id}`)
    return s
  }

  /** The sections and everything they need, in output order. */
  closure(ids: Iterable<string>): Section[] {
    const seen = new Set<string>()
    const visit = (id: string) => {
      if (seen.has(id)) return
      seen.add(id)
      for (const n of this.section(id).needs) visit(n)
    }
    for (const id of ids) visit(id)
    return [...seen].sort((a, b) => (this.#rank.get(a) ?? 0) - (this.#rank.get(b) ?? 0)).map((id) => this.section(id))
  }

  /** Render sections in output order, one after the other; every flag a section tests must be given. */
  render(sections: readonly Section[], flags: Flags): string {
    return this.renderEach(sections, flags).join('')
  }

  /** Each section's text on its own (ending in a newline, or empty). */
  renderEach(sections: readonly Section[], flags: Flags): string[] {
    return sections.map((s) => this.#renderOne(s, flags))
  }

  // A section's text depends on its flags only: render each variant once.
  readonly #rendered = new Map<string, string>()

  #renderOne(s: Section, flags: Flags): string {
    let key = s.id
    for (const f of s.flags) {
      if (!(f in flags)) throw new Error(`template section ${s.id} tests flag ${f}, which was not given`)
      key += flags[f] ? `+${f}` : `-${f}`
    }
    let text = this.#rendered.get(key)
    if (text === undefined) {
      const out: string[] = []
      this.#emit(s.body, flags, out)
      text = out.length > 0 ? `${out.join('\n')}\n` : ''
      this.#rendered.set(key, text)
    }
    return text
  }

  #emit(nodes: readonly TemplateNode[], flags: Flags, out: string[]): void {
    for (const n of nodes) {
      if (typeof n === 'string') out.push(n)
      else if ('flag' in n) this.#emit(flags[n.flag] !== n.negated ? n.then : n.else, flags, out)
      else this.#emit(this.#fragments.get(n.include)?.body ?? [], { ...flags, ...n.fixed }, out)
    }
  }
}

const cache = new Map<string, TemplateLibrary>()

/** The library of templates/<dir>, parsed on first use. */
export function templateLibrary(dir: string, order: readonly string[]): TemplateLibrary {
  const key = `${dir}\0${order.join(',')}`
  let lib = cache.get(key)
  if (lib === undefined) {
    lib = new TemplateLibrary(join(TEMPLATES_DIR, dir), order)
    cache.set(key, lib)
  }
  return lib
}
