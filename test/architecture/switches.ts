/**
 * The switches of src/ as the type checker sees them: over a union a switch
 * must end in `default: unreachable(x)` (src/plan/unreachable.ts), whose
 * argument the compiler then proves is `never`, so that a member added to
 * the union is a compile error at every switch that forgets it; over any
 * other type it must have a default.
 */
import { join, relative } from 'node:path'
import ts from 'typescript'

export interface SwitchFinding {
  /** file:line */
  readonly at: string
  readonly problem: 'no default' | 'a union without a final default: unreachable(x)'
}

export function switchFindings(root: string, dir: string): SwitchFinding[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })
  if (config === undefined) throw new Error('cannot read tsconfig.json')
  const prefix = join(root, dir) + '/'
  const files = config.fileNames.filter((f) => f.startsWith(prefix))
  const program = ts.createProgram(files, config.options)
  const checker = program.getTypeChecker()
  const out: SwitchFinding[] = []
  for (const sf of program.getSourceFiles()) {
    if (!sf.fileName.startsWith(prefix)) continue
    const visit = (node: ts.Node): void => {
      if (ts.isSwitchStatement(node)) {
        const clauses = node.caseBlock.clauses
        const last = clauses[clauses.length - 1]
        const type = checker.getTypeAtLocation(node.expression)
        const at = `${relative(root, sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`
        if (closedUnion(type)) {
          if (last === undefined || !ts.isDefaultClause(last) || !callsUnreachable(checker, last)) out.push({ at, problem: 'a union without a final default: unreachable(x)' })
        } else if (!clauses.some(ts.isDefaultClause)) out.push({ at, problem: 'no default' })
      }
      ts.forEachChild(node, visit)
    }
    visit(sf)
  }
  return out
}

/** A union of literals (strings, numbers, booleans, enum members, undefined): a switch can cover it all. */
function closedUnion(type: ts.Type): boolean {
  const literal = ts.TypeFlags.Literal | ts.TypeFlags.BooleanLiteral | ts.TypeFlags.EnumLiteral | ts.TypeFlags.Undefined | ts.TypeFlags.Null
  return type.isUnion() && type.types.every((t) => (t.flags & literal) !== 0)
}

/** The clause calls the one unreachable() of src/plan/unreachable.ts. */
function callsUnreachable(checker: ts.TypeChecker, clause: ts.DefaultClause): boolean {
  let found = false
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'unreachable') {
      let symbol = checker.getSymbolAtLocation(node.expression)
      if (symbol !== undefined && (symbol.flags & ts.SymbolFlags.Alias) !== 0) symbol = checker.getAliasedSymbol(symbol)
      if (symbol?.declarations?.some((d) => d.getSourceFile().fileName.endsWith('/src/plan/unreachable.ts'))) found = true
    } else ts.forEachChild(node, visit)
  }
  clause.statements.forEach(visit)
  return found
}
