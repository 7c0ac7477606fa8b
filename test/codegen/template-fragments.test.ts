/**
 * Fragments of the template format: text written once that sections
 * include (the loop iova.c and auto.c share, the structures both headers
 * declare), with the flags an include fixes and those it passes on.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { TemplateLibrary } from '../../src/codegen/template/library.js'
import { TemplateSyntaxError, parseTemplate } from '../../src/codegen/template/parse.js'

function library(files: Readonly<Record<string, string>>): TemplateLibrary {
  const dir = mkdtempSync(join(tmpdir(), 'dmaplan-frag-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, `${name}.c`), text)
  return new TemplateLibrary(dir, Object.keys(files))
}

const shared = ['//@fragment loop', '//@if fast', 'fast();', '//@else', 'slow();', '//@endif', '//@if big', 'big();', '//@endif'].join('\n')

describe('template fragments', () => {
  it('parses a fragment apart from the sections, and an include with its fixed flags', () => {
    const t = parseTemplate('a', `${shared}\n//@section use\nx();\n//@include a.loop fast !big`)
    expect(t.sections.map((s) => s.id)).toEqual(['a.use'])
    expect(t.fragments.map((s) => [s.id, [...s.flags]])).toEqual([['a.loop', ['fast', 'big']]])
    expect(t.sections[0]?.body).toEqual(['x();', { include: 'a.loop', fixed: { fast: true, big: false } }])
  })

  it('renders the fragment in place, with the flags the include fixes over those given', () => {
    const lib = library({ a: shared, b: '//@section one\n//@include a.loop fast\n//@section two\n//@include a.loop !fast !big' })
    expect(lib.ids()).toEqual(['b.one', 'b.two'])
    expect([...lib.section('b.one').flags]).toEqual(['big'])
    expect([...lib.section('b.two').flags]).toEqual([])
    expect(lib.render([lib.section('b.one')], { big: true })).toBe('fast();\nbig();\n')
    expect(lib.render([lib.section('b.one')], { big: false })).toBe('fast();\n')
    expect(lib.render([lib.section('b.two')], {})).toBe('slow();\n')
    expect(() => lib.render([lib.section('b.one')], {})).toThrow('tests flag big, which was not given')
  })

  it('renders an include inside an //@if only where the flag holds', () => {
    const lib = library({ a: shared, b: '//@section one\n//@if on\n//@include a.loop fast !big\n//@endif\nend();' })
    expect(lib.render([lib.section('b.one')], { on: true })).toBe('fast();\nend();\n')
    expect(lib.render([lib.section('b.one')], { on: false })).toBe('end();\n')
  })

  it.each([
    ['a section', { a: '//@section s\nx();\n//@section t\n//@include a.s' }, 'a.t includes a.s, which is not a fragment'],
    ['a missing fragment', { a: '//@section t\n//@include a.none' }, 'a.t includes a.none, which is not a fragment'],
    ['a circle', { a: '//@fragment f\n//@include a.g\n//@fragment g\n//@include a.f\n//@section t\n//@include a.f' }, 'includes itself: a.f -> a.g -> a.f'],
  ])('refuses to include %s', (_what, files, message) => {
    expect(() => library(files)).toThrow(message)
  })

  it.each([
    ['a fragment with needs', '//@fragment f needs a.b'],
    ['an include outside a section', '//@include a.f'],
    ['a bad fragment reference', '//@section s\n//@include f'],
    ['a fragment named as a section', '//@section s\n//@fragment s'],
  ])('refuses %s', (_what, text) => {
    expect(() => parseTemplate('a', text)).toThrow(TemplateSyntaxError)
  })
})
