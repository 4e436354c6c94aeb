import { show, showVerbatim, type Localized } from './language.js'

/** The parties of the login flow, as the log's lanes: two phones of one user, the server, WeChat. */
export type Party = 'phone 1' | 'phone 2' | 'server' | 'WeChat'

export interface LogEntry {
  from: Party
  /** Absent for what a party decides on its own (the client ending a session, say). */
  to?: Party
  /** A stable name tests and styles can pick entries by: 'wx.login', 'request', 'response', 'code2session', … */
  event: string
  /** Words in the page's language, or `{ wire }`: what went over the wire (a request line), shown as it is. */
  text: Localized | { wire: string }
  /** 'ok' | 'error' colours the entry. */
  tone?: 'ok' | 'error'
  /** Why the server refused a token ('expired', 'replaced', …), on the answer that said so. */
  reason?: string
}

const LANE_CLASS: Record<Party, string> = { 'phone 1': 'mp', 'phone 2': 'mp2', server: 'server', WeChat: 'wechat' }

function partyChip (party: Party): HTMLElement {
  const chip = document.createElement('span')
  chip.className = `party ${LANE_CLASS[party]}`
  show(chip, texts => texts.parties[party])
  return chip
}

function time (): string {
  const now = new Date()
  return now.toLocaleTimeString('en-GB', { hour12: false }) + '.' + String(now.getMilliseconds()).padStart(3, '0')
}

/** The live sequence log: one line per message between the phones, the server and WeChat. */
export class SequenceLog {
  constructor (private readonly list: HTMLOListElement) {}

  add (entry: LogEntry): void {
    const item = document.createElement('li')
    item.dataset.event = entry.event
    item.dataset.from = entry.from
    if (entry.reason !== undefined) item.dataset.reason = entry.reason
    if (entry.tone !== undefined) item.classList.add(entry.tone)

    const at = document.createElement('time')
    at.textContent = time()
    const route = document.createElement('span')
    route.className = 'route'
    route.append(partyChip(entry.from))
    if (entry.to !== undefined) route.append(' → ', partyChip(entry.to))
    const text = document.createElement('span')
    text.className = 'text'
    if (typeof entry.text === 'function') show(text, entry.text)
    else showVerbatim(text, entry.text.wire)

    item.append(at, route, text)
    this.list.append(item)
    item.scrollIntoView({ block: 'nearest' })
  }

  clear (): void {
    this.list.replaceChildren()
  }
}
