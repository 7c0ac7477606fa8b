/** The module target's templates (templates/module), in output order. */
import { templateLibrary } from '../../template/library.js'
import type { TemplateLibrary } from '../../template/library.js'

/**
 * A part's file comes after the files whose sections it needs (iova needs
 * page); the hooks (hooks, or the harness's) come last; the headers and
 * the harness's fault injection are rendered on their own.
 */
export const MODULE_TEMPLATE_ORDER = ['common', 'page', 'iova', 'sg', 'p2p-bus', 'hmm', 'blk', 'coherent', 'auto', 'hooks', 'harness', 'inject', 'compat', 'upstream'] as const

export function moduleTemplates(): TemplateLibrary {
  return templateLibrary('module', MODULE_TEMPLATE_ORDER)
}
