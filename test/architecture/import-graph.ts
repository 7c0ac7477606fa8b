/**
 * The import graph of src/: every file's relative imports (static, type-only,
 * re-exports and dynamic import()), as TypeScript reads them, and its circles.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

/** Files (paths relative to root, with /) and the files each imports. */
export function importGraph(root: string, dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name.endsWith('.ts')) graph.set(relative(root, p).split('\\').join('/'), [])
    }
  }
  walk(join(root, dir))
  for (const [file, deps] of graph) {
    const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true)
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue
      const target = relative(root, resolve(root, dirname(file), fileName.replace(/\.js$/, '.ts'))).split('\\').join('/')
      if (graph.has(target) && !deps.includes(target)) deps.push(target)
    }
  }
  return graph
}

/**
 * The circles: one per strongly connected component of more than one file
 * (or a file importing itself), as its files sorted and one shortest path
 * around it from the first.
 */
export function importCircles(graph: ReadonlyMap<string, readonly string[]>): { files: string[]; path: string[] }[] {
  // Tarjan's algorithm.
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const components: string[][] = []
  let next = 0
  const connect = (v: string) => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w)
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number))
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = []
      let w: string
      do {
        w = stack.pop() as string
        onStack.delete(w)
        c.push(w)
      } while (w !== v)
      if (c.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(c.sort())
    }
  }
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v)
  return components
    .sort((a, b) => (a[0] as string).localeCompare(b[0] as string))
    .map((files) => {
      const first = files[0] as string
      const inside = new Set(files)
      // Breadth-first from the first file back to itself, inside the component.
      const from = new Map<string, string>()
      const queue = [first]
      let end: string | undefined
      while (queue.length > 0 && end === undefined) {
        const v = queue.shift() as string
        for (const w of graph.get(v) ?? []) {
          if (!inside.has(w)) continue
          if (w === first) {
            end = v
            break
          }
          if (!from.has(w)) {
            from.set(w, v)
            queue.push(w)
          }
        }
      }
      const path = [first]
      for (let v = end; v !== undefined && v !== first; v = from.get(v)) path.splice(1, 0, v)
      path.push(first)
      return { files, path }
    })
}
