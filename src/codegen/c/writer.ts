/**
 * A small writer of kernel-style C: tabs for indentation, 80 columns, calls
 * and declarations wrapped the way clang-format lays them out with the
 * kernel's configuration (arguments packed greedily, continuation lines
 * aligned with the opening parenthesis, tabs then spaces).
 *
 * It does not reimplement clang-format. As long as every argument fits on a
 * line aligned with the parenthesis, clang-format packs them greedily, as
 * this writer does; when one does not (a line still too long), clang-format
 * weighs other layouts (the return type on a line of its own, a break after
 * the parenthesis), so the writer sets `unsure` and the caller runs
 * clang-format over the file.
 */

export const COLUMNS = 80
const TAB = 8

/** Display width of a line, tabs expanded to the next multiple of 8. */
export function width(line: string): number {
  let col = 0
  for (let i = 0; i < line.length; i++) col = line.charCodeAt(i) === 9 ? col - (col % TAB) + TAB : col + 1
  return col
}

/** Whitespace that reaches `column`: tabs, then spaces (UseTab: Always). */
export function padTo(column: number): string {
  return '\t'.repeat(Math.floor(column / TAB)) + ' '.repeat(column % TAB)
}

/** Words packed into lines of at most `max` columns (a longer word gets a line of its own). */
export function wrapWords(text: string, max: number): string[] {
  const lines: string[] = []
  let current = ''
  for (const w of text.split(/\s+/).filter((x) => x !== '')) {
    if (current !== '' && current.length + 1 + w.length > max) {
      lines.push(current)
      current = w
    } else {
      current = current === '' ? w : `${current} ${w}`
    }
  }
  if (current !== '') lines.push(current)
  return lines
}

export class CWriter {
  readonly #lines: string[] = []
  #depth = 0
  /** Set when a layout may differ from clang-format's. */
  unsure = false

  get indent(): string {
    return '\t'.repeat(this.#depth)
  }

  /** One line at the current indentation (empty text: an empty line). */
  line(text = ''): this {
    const full = text === '' ? '' : this.indent + text
    if (width(full) > COLUMNS) this.unsure = true
    this.#lines.push(full)
    return this
  }

  /** Lines written as they are (already formatted). */
  raw(text: string): this {
    for (const l of text.replace(/\n$/, '').split('\n')) {
      if (width(l) > COLUMNS) this.unsure = true
      this.#lines.push(l)
    }
    return this
  }

  /**
   * Text already in clang-format's layout (a template section, which the
   * tests keep so), added whole: it is neither split nor measured again.
   */
  formatted(text: string): this {
    let end = text.length
    while (end > 0 && text.charCodeAt(end - 1) === 10) end--
    if (end > 0) this.#lines.push(end === text.length ? text : text.slice(0, end))
    return this
  }

  blank(): this {
    if (this.#lines.length > 0 && this.#lines[this.#lines.length - 1] !== '') this.#lines.push('')
    return this
  }

  /** `head {`, the body one level deeper, `}` + tail. */
  block(head: string, body: () => void, tail = ''): this {
    this.line(`${head} {`)
    this.#depth++
    body()
    this.#depth--
    this.line(`}${tail}`)
    return this
  }

  /**
   * A function definition, the brace on its own line. The signature is
   * wrapped like a call; when the parameters do not fit that way but the
   * name and parameters fit on one line, clang-format puts the return type
   * on a line of its own.
   */
  fn(signature: { head: string; params: readonly string[] }, body: () => void): this {
    const plain = this.#layout(signature.head, signature.params, ')')
    const split = signature.head.lastIndexOf(' ')
    if (plain.sure || split < 0) this.#take(plain)
    else {
      // When `name(params)` then fits on one line, or the first parameter did not fit after the
      // return type and now every line fits: otherwise clang-format weighs more breaks.
      const own = this.#layout(signature.head.slice(split + 1), signature.params, ')')
      const firstOverflows = width(plain.lines[0] ?? '') > COLUMNS
      if (own.sure && (own.lines.length === 1 || firstOverflows)) {
        this.#lines.push(`${this.indent}${signature.head.slice(0, split)}`)
        this.#take(own)
      } else this.#take(plain)
    }
    this.line('{')
    this.#depth++
    body()
    this.#depth--
    this.line('}')
    return this
  }

  /**
   * `lhs = rhs;` (a declaration with an initialiser, or an assignment): when
   * it does not fit, clang-format breaks after the `=` and indents the rest
   * by one more tab.
   */
  assign(lhs: string, rhs: string): this {
    const one = `${this.indent}${lhs} = ${rhs};`
    if (width(one) <= COLUMNS) {
      this.#lines.push(one)
      return this
    }
    this.#lines.push(`${this.indent}${lhs} =`)
    return this.#push(`${this.indent}\t${rhs};`)
  }

  /** A member or variable `type name;`: too long, the name goes on a continuation line. */
  decl(type: string, name: string): this {
    const one = `${this.indent}${type} ${name};`
    if (width(one) <= COLUMNS) {
      this.#lines.push(one)
      return this
    }
    this.#push(`${this.indent}${type}`)
    return this.#push(`${this.indent}\t${name};`)
  }

  #push(line: string): this {
    if (width(line) > COLUMNS) this.unsure = true
    this.#lines.push(line)
    return this
  }

  /** An unbraced `if (cond)` with one statement. */
  if(cond: string, stmt: string): this {
    this.line(`if (${cond})`)
    this.#depth++
    this.line(stmt)
    this.#depth--
    return this
  }

  /** A label, in column 0 (IndentGotoLabels: false). */
  label(name: string): this {
    this.#lines.push(`${name}:`)
    return this
  }

  /**
   * `head(arg, arg, ...)suffix`, packed greedily and aligned with the
   * parenthesis, e.g. call('ret = dmaplan_iova_map', args, ');').
   */
  call(head: string, args: readonly string[], suffix: string): this {
    return this.#take(this.#layout(head, args, suffix))
  }

  #take(layout: { lines: readonly string[]; sure: boolean }): this {
    if (!layout.sure) this.unsure = true
    this.#lines.push(...layout.lines)
    return this
  }

  #layout(head: string, args: readonly string[], suffix: string): { lines: string[]; sure: boolean } {
    const first = `${this.indent}${head}(`
    const align = width(first)
    if (args.length === 0) {
      const line = `${this.indent}${head}()${suffix.replace(/^\)/, '')}`
      return { lines: [line], sure: width(line) <= COLUMNS }
    }
    const whole = `${first}${args.join(', ')}${suffix}`
    if (width(whole) <= COLUMNS) return { lines: [whole], sure: true }
    // `lhs = f(...)`: clang-format breaks after the `=` when the call then fits on one line.
    const assign = head.match(/^(.*\S) = (\S+)$/)
    if (assign !== null) {
      const rhs = `${this.indent}\t${assign[2]}(${args.join(', ')}${suffix}`
      if (width(rhs) <= COLUMNS) return { lines: [`${this.indent}${assign[1]} =`, rhs], sure: true }
    }
    const lines: string[] = []
    let current = first
    args.forEach((arg, i) => {
      const end = i === args.length - 1 ? suffix : ','
      const fresh = current === first
      const candidate = fresh ? `${current}${arg}${end}` : `${current} ${arg}${end}`
      if (fresh || width(candidate) <= COLUMNS) {
        current = candidate
        return
      }
      lines.push(current)
      current = `${padTo(align)}${arg}${end}`
    })
    lines.push(current)
    // More than one continuation after an assignment: clang-format weighs other layouts.
    const sure = lines.every((l) => width(l) <= COLUMNS) && !(lines.length > 2 && assign !== null)
    return { lines, sure }
  }

  /** A block comment wrapped at 80 columns (ReflowComments is off, so this layout stays). */
  comment(text: string): this {
    const one = `/* ${text.split(/\s+/).filter((w) => w !== '').join(' ')} */`
    if (width(this.indent + one) <= COLUMNS) return this.line(one)
    return this.commentBlock([text])
  }

  /**
   * A multi-line block comment: each entry a paragraph, wrapped; '' an empty
   * comment line; leading spaces of an entry indent all of its lines.
   */
  commentBlock(paragraphs: readonly string[]): this {
    this.line('/*')
    for (const p of paragraphs) {
      if (p === '') {
        this.line(' *')
        continue
      }
      const hang = ' '.repeat(p.length - p.trimStart().length)
      for (const l of wrapWords(p.trim(), COLUMNS - width(`${this.indent} * ${hang}`))) this.line(` * ${hang}${l}`)
    }
    this.line(' */')
    return this
  }

  /** Rewrite lines already written (placeholders resolved late); widths are checked again. */
  replace(pattern: RegExp, by: (match: string) => string): this {
    for (let i = 0; i < this.#lines.length; i++) {
      const l = this.#lines[i] as string
      const m = l.match(pattern)
      if (!m) continue
      const next = l.replace(pattern, by(m[1] ?? m[0]))
      if (width(next) > COLUMNS) this.unsure = true
      this.#lines[i] = next
    }
    return this
  }

  toString(): string {
    const lines = [...this.#lines]
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
    return `${lines.join('\n')}\n`
  }
}
