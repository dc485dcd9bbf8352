/**
 * Price options in the cart (issue 19 item 6): a product's price-option groups (the catalog's
 * PriceOptionGroups, e.g. the demo subscription's "Support level") are chosen per line; the codes
 * go out as Items[].PriceOptions and the line's price comes back from `quote`, so the page never
 * adds the modifiers up itself.
 */
import { h } from './dom.js'
import { money } from './format.js'
import type { CartLine, PriceOptionGroup } from './order-draft.js'

const modifierText = (modifier: number | undefined, currency: string): string => {
  if (modifier === undefined) return ` (not sold in ${currency})`
  return modifier === 0 ? '' : ` (${modifier > 0 ? '+' : '−'}${money(Math.abs(modifier), currency)})`
}

/** One labelled select per group of the line's product; none when the product has no options. */
export function priceOptionFields (line: CartLine, index: number, currency: string, onChange: (group: PriceOptionGroup, code: string) => void): HTMLElement | null {
  const groups = line.optionGroups ?? []
  if (groups.length === 0) return null
  return h('div', { class: 'price-options', 'data-path': `Items.${index}.PriceOptions` },
    ...groups.map((group, g) => {
      const id = `line-${index}-option-${g}`
      const chosen = line.options?.[group.Code] ?? ''
      return h('div', { class: 'field' },
        h('label', { for: id }, `${group.Name} for ${line.name}`),
        h('select', { id, 'data-path': `Items.${index}.PriceOptions`, 'data-group': group.Code, onchange: (event) => { onChange(group, (event.target as HTMLSelectElement).value) } },
          group.Required ? null : h('option', { value: '', selected: chosen === '' }, 'None'),
          ...group.Options.map((option) => h('option', { value: option.Code, selected: option.Code === chosen }, `${option.Name}${modifierText(option.Modifiers[currency], currency)}`))))
    }))
}

/** Another billing currency: the modifiers shown beside the options follow it. */
export function relabelPriceOptions (lines: CartLine[], currency: string): void {
  lines.forEach((line, index) => {
    (line.optionGroups ?? []).forEach((group, g) => {
      const select = document.getElementById(`line-${index}-option-${g}`)
      if (!(select instanceof HTMLSelectElement)) return
      for (const element of select.options) {
        const option = group.Options.find((candidate) => candidate.Code === element.value)
        if (option !== undefined) element.textContent = `${option.Name}${modifierText(option.Modifiers[currency], currency)}`
      }
    })
  })
}

/** The chosen options' names, for the summary before placing ("Premium support"). */
export function chosenOptionNames (line: CartLine): string[] {
  return (line.optionGroups ?? []).flatMap((group) => {
    const option = group.Options.find((candidate) => candidate.Code === line.options?.[group.Code])
    return option === undefined ? [] : [option.Name]
  })
}
