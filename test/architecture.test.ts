import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The bars of the code's shape, checked on every run: file sizes, no import circle (type-only imports
// count: they tie files together as much for a reader), and which folders may import which.
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src')
const MAX_LINES = 300
const FEATURES = ['links', 'redirect', 'clicks', 'shares', 'analytics', 'imports', 'api', 'dashboard', 'cli']

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  )

// `import … from './x.ts'`, `export … from './x.ts'`, `import './x.ts'` and `import('./x.ts')`: relative specifiers only.
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g

/** Each source file (relative to src/) with the source files it imports. */
function importGraph(files = sourceFiles(SRC)): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    const targets = [...text.matchAll(IMPORT)].map((m) => relative(SRC, resolve(dirname(file), m[1])))
    graph.set(
      relative(SRC, file),
      targets.filter((t) => !t.startsWith('..')),
    )
  }
  return graph
}

/** Every import circle, each as the files around it (found by depth-first search; one report per back edge). */
function importCircles(graph: Map<string, string[]>): string[][] {
  const circles: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (file: string) => {
    state.set(file, 'open')
    path.push(file)
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') circles.push([...path.slice(path.indexOf(next)), next])
      else if (!state.has(next)) visit(next)
    }
    path.pop()
    state.set(file, 'done')
  }
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file)
  return circles
}

const folderOf = (file: string) => file.split('/')[0]
const graph = importGraph()

/** The Fastify decorators a file declares (`interface FastifyInstance { name: … }` in its module augmentation). */
function declaredDecorators(text: string): string[] {
  const start = text.indexOf('interface FastifyInstance {')
  if (start === -1) return []
  let depth = 0
  let end = start
  for (let i = text.indexOf('{', start); i < text.length; i++) {
    if (text[i] === '{') depth++
    else if (text[i] === '}' && --depth === 0) {
      end = i
      break
    }
  }
  const body = text.slice(text.indexOf('{', start) + 1, end)
  const indent = /\n(\s+)\S/.exec(body)?.[1] ?? '    '
  return [...body.matchAll(new RegExp(`\\n${indent}(\\w+)\\??:`, 'g'))].map((m) => m[1])
}

describe('the shape of src/', () => {
  it('finds the imports it checks (the parser is not blind)', () => {
    expect(graph.get('app.ts')).toContain('config.ts')
    expect(
      importCircles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', ['a.ts']],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts', 'a.ts']])
  })

  it(`has no file over ${MAX_LINES} lines`, () => {
    const long = [...graph.keys()]
      .map((file) => ({ file, lines: readFileSync(join(SRC, file), 'utf8').split('\n').length - 1 }))
      .filter((f) => f.lines > MAX_LINES)
    expect(long).toEqual([])
  })

  it('has no import circle, type-only imports included', () => {
    expect(importCircles(graph)).toEqual([])
  })

  it('keeps infra/ free of features: features plug into it, not the other way round', () => {
    const reads = [...graph].flatMap(([file, targets]) =>
      folderOf(file) === 'infra'
        ? targets.filter((t) => FEATURES.includes(folderOf(t))).map((t) => `${file} → ${t}`)
        : [],
    )
    expect(reads).toEqual([])
    // Nor through a feature's decorator on the Fastify instance.
    const decorators = [...graph.keys()]
      .filter((file) => FEATURES.includes(folderOf(file)))
      .flatMap((file) => declaredDecorators(readFileSync(join(SRC, file), 'utf8')).map((name) => ({ name, file })))
    expect(decorators.map((d) => d.name)).toContain('clicks')
    const uses = [...graph.keys()]
      .filter((file) => folderOf(file) === 'infra')
      .flatMap((file) => {
        const text = readFileSync(join(SRC, file), 'utf8')
        return decorators
          .filter((d) => new RegExp(`\\b(?:app|server|instance|fastify)\\.${d.name}\\b`).test(text))
          .map((d) => `${file} → ${d.file} (${d.name})`)
      })
    expect(uses).toEqual([])
  })

  it('keeps view schemas in *-schemas.ts, not inline in routes', () => {
    const inline = [...graph.keys()].filter(
      (file) =>
        file.endsWith('-routes.ts') &&
        /\bz\s*\.\s*(object|strictObject|looseObject)\(/.test(readFileSync(join(SRC, file), 'utf8')),
    )
    expect(inline).toEqual([])
  })

  it('keeps api/ and dashboard/ apart', () => {
    const across = [...graph].flatMap(([file, targets]) => {
      const from = folderOf(file)
      const other = from === 'api' ? 'dashboard' : from === 'dashboard' ? 'api' : null
      return other ? targets.filter((t) => folderOf(t) === other).map((t) => `${file} → ${t}`) : []
    })
    expect(across).toEqual([])
  })
})
