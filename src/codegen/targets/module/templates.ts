/** The module target's templates (templates/module), in output order. */
import { templateLibrary } from '../../template/library.js'
import type { TemplateLibrary } from '../../template/library.js'
import { DESCRIPTORS } from '../../../strategies/index.js'

/**
 * A part's file comes after the files whose sections it needs (iova needs
 * page: the descriptors' templateNeeds); the hooks (hooks, or the
 * harness's) come last; the headers and the harness's fault injection are
 * rendered on their own.
 */
export const MODULE_TEMPLATE_ORDER: readonly string[] = ['common', ...strategyTemplates(), 'hooks', 'harness', 'inject', 'compat', 'upstream']

/** The strategies' templates in their order, each after the templates it needs. */
function strategyTemplates(): string[] {
  const out: string[] = []
  const byTemplate = new Map(DESCRIPTORS.map((d) => [d.template as string, d]))
  const add = (template: string): void => {
    if (out.includes(template)) return
    const d = byTemplate.get(template)
    for (const need of (d !== undefined && 'templateNeeds' in d ? d.templateNeeds : [])) add(need)
    out.push(template)
  }
  for (const d of DESCRIPTORS) add(d.template)
  return out
}

export function moduleTemplates(): TemplateLibrary {
  return templateLibrary('module', MODULE_TEMPLATE_ORDER)
}
