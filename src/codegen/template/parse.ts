/**
 * The template format of templates/: plain C (or any text) in named sections,
 * with line directives that start with `//@` (after optional indentation):
 *
 *   //@section NAME [needs FILE.SECTION ...]   starts a section
 *   //@fragment NAME                           starts a fragment: text that sections include, never output alone
 *   //@include FILE.FRAGMENT [FLAG|!FLAG ...]  the fragment's text here, with the flags listed set (or not)
 *   //@if FLAG  /  //@if !FLAG                  keeps the lines below only if FLAG is (not) set
 *   //@else  /  //@endif
 *   //@ any text                                a comment of the template itself
 *
 * There are no placeholders: a section's text depends only on the flags, so
 * every variant is fixed text that the tests keep clang-format clean. Text
 * that two sections share (a loop, a kernel structure both headers declare)
 * is written once, as a fragment that both include.
 */

export type TemplateNode = string | IfNode | IncludeNode

export interface IncludeNode {
  /** "file.fragment" */
  readonly include: string
  /** Flags the include fixes for the fragment's text. */
  readonly fixed: Readonly<Record<string, boolean>>
}

export interface IfNode {
  readonly flag: string
  readonly negated: boolean
  readonly then: readonly TemplateNode[]
  readonly else: readonly TemplateNode[]
}

export interface Section {
  /** "file.name" */
  readonly id: string
  readonly name: string
  /** Sections (by id) whose code this one uses. */
  readonly needs: readonly string[]
  readonly body: readonly TemplateNode[]
  /**
   * Every flag the section tests: here its own; in a TemplateLibrary also
   * those of the fragments it includes, but for those the include fixes.
   */
  readonly flags: ReadonlySet<string>
  /** Fragments (by id) it includes. */
  readonly includes: readonly string[]
}

export interface TemplateFile {
  readonly file: string
  readonly sections: readonly Section[]
  readonly fragments: readonly Section[]
}

const DIRECTIVE = /^\s*\/\/@(.*)$/
const NAME = /^[a-z][a-z0-9_]*$/
const SECTION_ID = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9_]*$/

export class TemplateSyntaxError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`)
    this.name = 'TemplateSyntaxError'
  }
}

interface Frame {
  readonly flag: string
  readonly negated: boolean
  readonly then: TemplateNode[]
  readonly else: TemplateNode[]
  inElse: boolean
  readonly line: number
}

export function parseTemplate(file: string, text: string): TemplateFile {
  const sections: Section[] = []
  const fragments: Section[] = []
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  let current: { name: string; fragment: boolean; needs: string[]; body: TemplateNode[]; flags: Set<string>; includes: string[]; line: number } | undefined
  const stack: Frame[] = []
  const fail = (line: number, message: string): never => {
    throw new TemplateSyntaxError(file, line, message)
  }
  const target = (): TemplateNode[] => {
    const top = stack[stack.length - 1]
    if (top) return top.inElse ? top.else : top.then
    if (!current) return fail(0, 'text outside a section')
    return current.body
  }
  const close = (line: number) => {
    if (!current) return
    if (stack.length > 0) fail(line, `//@if ${stack[stack.length - 1]?.flag} is not closed`)
    const done = { id: `${file}.${current.name}`, name: current.name, needs: current.needs, body: current.body, flags: current.flags, includes: current.includes }
    if (current.fragment) fragments.push(done)
    else sections.push(done)
  }
  lines.forEach((raw, i) => {
    const line = i + 1
    const m = raw.match(DIRECTIVE)
    if (!m) {
      if (!current) {
        if (raw.trim() !== '') fail(line, 'text before the first //@section')
        return
      }
      target().push(raw)
      return
    }
    const directive = m[1] as string
    if (directive === '' || directive.startsWith(' ')) return
    const [word, ...rest] = directive.trim().split(/\s+/)
    switch (word) {
      case 'section':
      case 'fragment': {
        close(line)
        const [name, needsWord, ...needs] = rest
        if (name === undefined || !NAME.test(name)) return fail(line, `bad ${word} name ${name}`)
        if (needsWord !== undefined && (needsWord !== 'needs' || word === 'fragment')) return fail(line, `expected ${word === 'section' ? '"needs"' : 'nothing'} after the name, got ${needsWord}`)
        for (const n of needs) if (!SECTION_ID.test(n)) fail(line, `bad section reference ${n}`)
        if ([...sections, ...fragments].some((s) => s.name === name)) fail(line, `section ${name} is defined twice`)
        current = { name, fragment: word === 'fragment', needs, body: [], flags: new Set(), includes: [], line }
        return
      }
      case 'include': {
        if (!current) return fail(line, '//@include outside a section')
        const [id, ...flagWords] = rest
        if (id === undefined || !SECTION_ID.test(id)) return fail(line, `bad fragment reference ${id}`)
        const fixed: Record<string, boolean> = {}
        for (const w of flagWords) {
          const flag = w.startsWith('!') ? w.slice(1) : w
          if (!NAME.test(flag)) return fail(line, `bad flag ${flag}`)
          fixed[flag] = !w.startsWith('!')
        }
        current.includes.push(id)
        target().push({ include: id, fixed })
        return
      }
      case 'if': {
        if (!current) return fail(line, '//@if outside a section')
        const [flagWord] = rest
        if (flagWord === undefined || rest.length !== 1) return fail(line, '//@if takes one flag')
        const negated = flagWord.startsWith('!')
        const flag = negated ? flagWord.slice(1) : flagWord
        if (!NAME.test(flag)) return fail(line, `bad flag ${flag}`)
        current.flags.add(flag)
        stack.push({ flag, negated, then: [], else: [], inElse: false, line })
        return
      }
      case 'else': {
        const top = stack[stack.length - 1]
        if (!top || top.inElse) return fail(line, '//@else without //@if')
        top.inElse = true
        return
      }
      case 'endif': {
        const top = stack.pop()
        if (!top) return fail(line, '//@endif without //@if')
        target().push({ flag: top.flag, negated: top.negated, then: top.then, else: top.else })
        return
      }
      default:
        fail(line, `unknown directive //@${word}`)
    }
  })
  close(lines.length)
  return { file, sections, fragments }
}
