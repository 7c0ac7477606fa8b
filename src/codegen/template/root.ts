/**
 * Where templates/ is: next to src/ and dist/ in the package, two levels up
 * from this file in both (src/codegen/template, dist/codegen/template).
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const TEMPLATES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'templates')
