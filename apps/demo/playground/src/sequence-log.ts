/** The three parties of the login flow, as the log's lanes. */
export type Party = 'mini program' | 'server' | 'WeChat'

export interface LogEntry {
  from: Party
  to: Party
  /** A stable name tests and styles can pick entries by: 'wx.login', 'request', 'response', 'code2session', … */
  event: string
  text: string
  /** 'ok' | 'error' colours the entry. */
  tone?: 'ok' | 'error'
}

const LANE_CLASS: Record<Party, string> = { 'mini program': 'mp', server: 'server', WeChat: 'wechat' }

function time (): string {
  const now = new Date()
  return now.toLocaleTimeString('en-GB', { hour12: false }) + '.' + String(now.getMilliseconds()).padStart(3, '0')
}

/** The live sequence log: one line per message between the mini program, the server and WeChat. */
export class SequenceLog {
  constructor (private readonly list: HTMLOListElement) {}

  add (entry: LogEntry): void {
    const item = document.createElement('li')
    item.dataset.event = entry.event
    if (entry.tone !== undefined) item.classList.add(entry.tone)

    const at = document.createElement('time')
    at.textContent = time()
    const route = document.createElement('span')
    route.className = 'route'
    const from = document.createElement('span')
    from.className = `party ${LANE_CLASS[entry.from]}`
    from.textContent = entry.from
    const to = document.createElement('span')
    to.className = `party ${LANE_CLASS[entry.to]}`
    to.textContent = entry.to
    route.append(from, ' → ', to)
    const text = document.createElement('span')
    text.className = 'text'
    text.textContent = entry.text

    item.append(at, route, text)
    this.list.append(item)
    item.scrollIntoView({ block: 'nearest' })
  }

  clear (): void {
    this.list.replaceChildren()
  }
}
