/**
 * The small machines under the generator: the unwinding ladder, the
 * template format, the writer's layout rules.
 */
import { describe, expect, it } from 'vitest'
import { Ladder } from '../../src/codegen/c/ladder.js'
import { CWriter, width } from '../../src/codegen/c/writer.js'
import { TemplateSyntaxError, parseTemplate } from '../../src/codegen/template/parse.js'
import { TemplateLibrary } from '../../src/codegen/template/library.js'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PARTS } from '../../src/codegen/parts/index.js'
import { STRATEGIES } from '../../src/codegen/strategies/index.js'

function ladderOf(failures: readonly (readonly string[])[]): string {
  const w = new CWriter()
  const ladder = new Ladder<string>((x) => x)
  const jumps = failures.map((undo) => ladder.failure(undo.map((x) => ({ item: x, stem: `unmap_${x}`, stmt: `unmap_${x}();` }))))
  ladder.seal()
  failures.forEach((_, i) => w.line(`f${i}: ${jumps[i]?.()}`))
  ladder.write(w)
  return w.toString()
}

describe('unwinding ladder', () => {
  it('is a straight run of labels when releases mirror acquisitions', () => {
    expect(ladderOf([[], ['a'], ['b', 'a']])).toBe(
      ['f0: return ret;', 'f1: goto err_unmap_a;', 'f2: goto err_unmap_b;', 'err_unmap_b:', 'unmap_b();', 'err_unmap_a:', 'unmap_a();', 'return ret;', ''].join('\n'),
    )
  })

  it('shares common tails and labels only what is jumped to', () => {
    // map a, b; fail (b, a); unmap a; map c; fail (c, b)
    expect(ladderOf([['b', 'a'], ['c', 'b']])).toBe(
      [
        'f0: goto err_unmap_b;',
        'f1: goto err_unmap_c;',
        'err_unmap_c:',
        'unmap_c();',
        'unmap_b();',
        'return ret;',
        'err_unmap_b:',
        'unmap_b();',
        'unmap_a();',
        'return ret;',
        '',
      ].join('\n'),
    )
  })

  it('jumps between branches when a tail is shared by two of them', () => {
    const text = ladderOf([['c', 'a'], ['b', 'a'], ['a']])
    expect(text).toContain('goto err_unmap_a;')
    // every undo statement is written once per distinct tail
    expect(text.match(/unmap_a\(\);/g)?.length).toBe(1)
    for (const label of text.match(/^err\w+(?=:)/gm) ?? []) expect(text).toContain(`goto ${label};`)
  })
})

describe('template format', () => {
  const tpl = [
    '//@ comment of the template',
    '//@section types',
    'struct a {',
    '//@if big',
    '\tlong x;',
    '//@else',
    '\tint x;',
    '//@endif',
    '};',
    '//@section use needs t.types',
    '\t//@if !big',
    'int f(void);',
    '\t//@endif',
  ].join('\n')

  it('parses sections, flags and needs', () => {
    const t = parseTemplate('t', tpl)
    expect(t.sections.map((s) => [s.id, [...s.flags], s.needs])).toEqual([
      ['t.types', ['big'], []],
      ['t.use', ['big'], ['t.types']],
    ])
  })

  it('renders variants, dependencies first, and insists on every flag', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmaplan-tpl-'))
    writeFileSync(join(dir, 't.c'), tpl)
    const lib = new TemplateLibrary(dir, ['t'])
    const sections = lib.closure(['t.use'])
    expect(sections.map((s) => s.id)).toEqual(['t.types', 't.use'])
    expect(lib.render(sections, { big: false })).toBe('struct a {\n\tint x;\n};\nint f(void);\n')
    expect(lib.render(sections, { big: true })).toBe('struct a {\n\tlong x;\n};\n')
    expect(() => lib.render(sections, {})).toThrow('tests flag big, which was not given')
  })

  it.each([
    ['text before a section', 'int x;\n//@section a'],
    ['an unclosed if', '//@section a\n//@if x\nint y;'],
    ['an unknown directive', '//@section a\n//@define b'],
    ['a section defined twice', '//@section a\n//@section a'],
  ])('refuses %s', (_what, text) => {
    expect(() => parseTemplate('t', text)).toThrow(TemplateSyntaxError)
  })
})

describe('writer', () => {
  it('measures tabs as the kernel does', () => {
    expect(width('\t\tx')).toBe(17)
    expect(width('ab\tc')).toBe(9)
  })

  it('packs arguments aligned with the parenthesis, tabs then spaces', () => {
    const w = new CWriter()
    w.block('void f(void)', () => {
      w.call('ret = some_function_with_a_long_name', ['first_argument', 'second_argument', 'third_argument', 'fourth'], ');')
    })
    expect(w.toString()).toBe(
      'void f(void) {\n\tret = some_function_with_a_long_name(first_argument, second_argument,\n\t\t\t\t\t     third_argument, fourth);\n}\n',
    )
    expect(w.unsure).toBe(false)
  })

  it('breaks after = when the call then fits, and is unsure when nothing fits', () => {
    const w = new CWriter()
    w.block('void f(void)', () => {
      w.call('pd->peer_device_zero = dmaplan_get_peer', ['pd->dev', '"gpu0"', 'module_gpu0_addr'], ');')
    })
    expect(w.toString()).toContain('\tpd->peer_device_zero =\n\t\tdmaplan_get_peer(pd->dev, "gpu0", module_gpu0_addr);\n')
    expect(w.unsure).toBe(false)
    w.call('x', ['y'.repeat(90)], ');')
    expect(w.unsure).toBe(true)
  })
})

describe('a transaction of several slices', () => {
  it('maps them in order and unwinds the mapped ones, latest first', async () => {
    const { STRATEGIES } = await import('../../src/codegen/strategies/index.js')
    const { generate } = await import('../../src/codegen/index.js')
    const { platform } = await import('../../src/index.js')
    const host = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
    const dev = host.device('dev0', { dmaMask: 64 })
    const a = host.ram('a', { pages: 1 })
    const b = host.ram('b', { pages: 1 })
    const c = host.ram('c', { pages: 1 })
    const plan = host.plan(dev, { name: 'split' }).transaction('t', { strategy: 'page', dir: 'to-device' }, [a, b, c]).deviceReads('t', b).syncForCpu('t').unmap('t').build()
    const registry = STRATEGIES as Record<string, (typeof STRATEGIES)['page']>
    const original = registry.page
    if (original === undefined) throw new Error('no page strategy')
    // A strategy that splits the transaction: page, sg, page.
    registry.page = { ...original, slices: (bufs) => bufs.map((_, i) => ({ part: i === 1 ? 'sg' : 'page', first: i, count: 1, attrs: [] })) }
    try {
      const c99 = generate(plan, { target: 'module', clangFormat: 'never' }).get('split.c') ?? ''
      const map = c99.slice(c99.indexOf('static int split_dmaplan_t_map'), c99.indexOf('static void split_dmaplan_t_unmap'))
      expect(map).toContain('ret = dmaplan_page_map(pd->dev, &t->tx, &t->page0, 0, 1, 0);\n\tif (ret)\n\t\treturn ret;')
      expect(map).toContain('ret = dmaplan_page_map(pd->dev, &t->tx, &t->page2, 2, 1, 0);\n\tif (ret)\n\t\tgoto err_unmap_sg1;')
      expect(map).toContain('err_unmap_sg1:\n\tdmaplan_sg_unmap(pd->dev, &t->tx, &t->sg1);\nerr_unmap_page0:\n\tdmaplan_page_unmap(pd->dev, &t->tx, &t->page0);\n\treturn ret;')
      const unmap = c99.slice(c99.indexOf('static void split_dmaplan_t_unmap'))
      expect(unmap.slice(0, unmap.indexOf('\n}\n') + 3)).toBe(
        'static void split_dmaplan_t_unmap(struct split_dmaplan_dev *pd)\n{\n\tstruct split_dmaplan_tx_t *t = &pd->tx_t;\n\n' +
          '\tdmaplan_page_unmap(pd->dev, &t->tx, &t->page2);\n\tdmaplan_sg_unmap(pd->dev, &t->tx, &t->sg1);\n\tdmaplan_page_unmap(pd->dev, &t->tx, &t->page0);\n}\n',
      )
      expect(c99).toContain('dmaplan_sg_sync(pd->dev, &t->tx, &t->sg1, true);')
    } finally {
      registry.page = original
    }
  })
})

describe('the parts registry', () => {
  it('holds the part each strategy carries, under the strategy\'s name', () => {
    expect(Object.entries(PARTS).map(([id, p]) => [id, p.id])).toEqual(Object.keys(STRATEGIES).map((n) => [n, n]))
  })
})

describe("a plan named after a kernel driver", () => {
  it('builds the module <plan>_dmaplan.ko, registered on the PCI bus under that name, not the driver\'s', async () => {
    const { generate } = await import('../../src/codegen/index.js')
    const { platform } = await import('../../src/index.js')
    const host = platform({ kernel: '7.0', iommu: { mode: 'translated' } })
    const dev = host.device('nvme0', { dmaMask: 64 })
    const plan = host.plan(dev, { name: 'nvme' }).transaction('t', { strategy: 'page', dir: 'to-device' }, [host.ram('a', { pages: 1 })]).unmap('t').build()
    const files = generate(plan, { target: 'module', clangFormat: 'never' })
    expect(files.get('Kbuild')).toMatch(/^obj-m := nvme_dmaplan\.o\nnvme_dmaplan-y := nvme\.o$/m)
    const c99 = files.get('nvme.c') ?? ''
    expect(c99).toContain('static struct pci_driver nvme_dmaplan_driver = {\n\t.name = KBUILD_MODNAME,')
    expect(c99).not.toContain('"nvme"')
  })
})
