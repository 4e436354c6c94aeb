import { DICTIONARY, LOCALES, type Locale, type Texts } from './texts.js'

/** A text written in whichever language the page is in: called again on every switch. */
export type Localized = (texts: Texts) => string

const STORAGE_KEY = 'playground:language'

/** The first of the browser's languages the playground speaks; English if none. */
function browserLocale (): Locale {
  const languages = navigator.languages.length > 0 ? navigator.languages : [navigator.language]
  const spoken = languages.find(tag => /^(zh|en)\b/i.test(tag))
  return spoken?.toLowerCase().startsWith('zh') === true ? 'zh-CN' : 'en'
}

const asLocale = (value: string | null | undefined): Locale | undefined => LOCALES.find(locale => locale === value)

let locale: Locale = asLocale(localStorage.getItem(STORAGE_KEY)) ?? browserLocale()

// The texts scripts wrote, kept per element so a switch rewrites them in place;
// elements that left the page are skipped and collected.
const written = new WeakMap<HTMLElement, Localized>()

export function show (element: HTMLElement, text: Localized): void {
  written.set(element, text)
  element.dataset.localized = ''
  element.removeAttribute('translate')
  element.textContent = text(DICTIONARY[locale])
}

/** Data shown as it is (JSON, a request line): no language, and marked so translators leave it alone. */
export function showVerbatim (element: HTMLElement, text: string): void {
  written.delete(element)
  delete element.dataset.localized
  element.translate = false
  element.textContent = text
}

/** The dictionary's text at a path such as `page.login` or `parties.server`, for the page's markup. */
function textAt (path: string): string {
  let found: unknown = DICTIONARY[locale]
  for (const key of path.split('.')) {
    found = typeof found === 'object' && found !== null && Object.hasOwn(found, key) ? (found as Record<string, unknown>)[key] : undefined
  }
  if (typeof found !== 'string') throw new Error(`the dictionary has no text at ${path}`)
  return found
}

/** Backticks mark code: `wx.login()` becomes <code>wx.login()</code>. */
function withCode (text: string): Node[] {
  return text.split('`').map((part, index) => {
    if (index % 2 === 0) return document.createTextNode(part)
    const code = document.createElement('code')
    code.textContent = part
    return code
  })
}

function render (): void {
  document.documentElement.lang = locale
  for (const element of document.querySelectorAll<HTMLElement>('[data-text]')) element.replaceChildren(...withCode(textAt(element.dataset.text!)))
  for (const element of document.querySelectorAll<HTMLElement>('[data-title]')) element.title = textAt(element.dataset.title!)
  for (const element of document.querySelectorAll<HTMLElement>('[data-label]')) element.setAttribute('aria-label', textAt(element.dataset.label!))
  for (const element of document.querySelectorAll<HTMLElement>('[data-localized]')) {
    const text = written.get(element)
    if (text !== undefined) element.textContent = text(DICTIONARY[locale])
  }
  for (const button of document.querySelectorAll<HTMLElement>('[data-locale]')) button.setAttribute('aria-pressed', String(button.dataset.locale === locale))
}

/** Writes the page's texts in the chosen language and wires the 中文 / English switch; the choice outlives a reload. */
export function startLanguage (): void {
  render()
  for (const button of document.querySelectorAll<HTMLElement>('[data-locale]')) {
    button.addEventListener('click', () => {
      const chosen = asLocale(button.dataset.locale)
      if (chosen === undefined || chosen === locale) return
      locale = chosen
      localStorage.setItem(STORAGE_KEY, chosen)
      render()
    })
  }
}
