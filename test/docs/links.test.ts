/**
 * Every relative link of docs/*.md (and of the READMEs that lead there)
 * names a file that exists, and a #fragment names a heading of that file
 * (GitHub's anchors: lower case, punctuation dropped, spaces as hyphens).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/fixtures.js'

const pages = [
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  'README.md',
  ...readdirSync(join(ROOT, 'src'))
    .map((d) => `src/${d}/README.md`)
    .filter((f) => existsSync(join(ROOT, f))),
]

function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-')
}

function anchors(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '')
  return [...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1] ?? ''))
}

/** Relative link targets, outside code blocks and code spans. */
function links(page: string): string[] {
  const text = readFileSync(join(ROOT, page), 'utf8')
    .replace(/^```[\s\S]*?^```/gm, '')
    .replace(/`[^`\n]*`/g, '')
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '').filter((t) => !/^[a-z]+:/.test(t))
}

describe('relative links', () => {
  it('the headings give GitHub anchors', () => {
    expect(anchor('Scatterlists, errors and ownership')).toBe('scatterlists-errors-and-ownership')
    expect(anchor('K-R6')).toBe('k-r6')
  })

  for (const page of pages)
    it(`in ${page} resolve`, () => {
      const broken = links(page).filter((target) => {
        const [path = '', frag] = target.split('#')
        const file = path === '' ? join(ROOT, page) : join(ROOT, dirname(page), path)
        if (!existsSync(file)) return true
        return frag !== undefined && file.endsWith('.md') && !anchors(file).includes(frag)
      })
      expect(broken, `${relative(ROOT, join(ROOT, page))}`).toEqual([])
    })
})
