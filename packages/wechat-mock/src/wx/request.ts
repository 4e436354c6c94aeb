import { settle } from './async-api.js'
import { findHeader, fromHeaders, openTransfer, toHeaders } from './transport.js'

type Data = string | WechatMiniprogram.IAnyObject | ArrayBuffer

/** `a=1&b=2` the way wx serializes a data object into a GET query or a form body. */
function toQuery (data: WechatMiniprogram.IAnyObject): string {
  return Object.entries(data)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value))}`)
    .join('&')
}

function withQuery (url: string, query: string): string {
  if (query === '') return url
  return url + (url.includes('?') ? '&' : '?') + query
}

function isPlainData (data: Data | undefined): data is WechatMiniprogram.IAnyObject {
  return typeof data === 'object' && data !== null && !(data instanceof ArrayBuffer)
}

/**
 * wx.request over fetch. Any HTTP answer (401, 500 …) goes to `success` with
 * `statusCode`, `data` and `header`; `fail` is only for a request that did not
 * complete: network failure, timeout ('request:fail timeout') or abort.
 */
export function request<T extends Data = Data> (option: WechatMiniprogram.RequestOption<T>): WechatMiniprogram.RequestTask {
  const transfer = openTransfer('request', option.timeout)
  const method = option.method ?? 'GET'
  const header = toHeaders(option.header)
  const contentType = findHeader(header, 'content-type')
  if (contentType === undefined) header['content-type'] = 'application/json'
  const isForm = contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded') === true

  let url = option.url
  let body: string | ArrayBuffer | undefined
  const data = option.data
  if (method === 'GET') {
    // wx turns GET data into the query string.
    if (isPlainData(data)) url = withQuery(url, toQuery(data))
    else if (typeof data === 'string') url = withQuery(url, data)
  } else if (isPlainData(data)) {
    body = isForm ? toQuery(data) : JSON.stringify(data)
  } else if (data !== undefined) {
    body = data
  }

  const outcome = (async () => {
    try {
      const res = await transfer.fetch(url, { method, headers: header, body })
      let resData: Data
      if (option.responseType === 'arraybuffer') {
        resData = await transfer.read(res.arrayBuffer())
      } else {
        const text = await transfer.read(res.text())
        resData = text
        if ((option.dataType ?? 'json') === 'json') {
          try {
            resData = JSON.parse(text) as WechatMiniprogram.IAnyObject
          } catch {
            // wx hands over the raw string when the body is not JSON.
          }
        }
      }
      return {
        statusCode: res.status,
        data: resData as T,
        header: fromHeaders(res.headers),
        cookies: res.headers.getSetCookie(),
        errMsg: 'request:ok'
      } as WechatMiniprogram.RequestSuccessCallbackResult<T>
    } finally {
      transfer.done()
    }
  })()
  settle<WechatMiniprogram.RequestSuccessCallbackResult<T>, WechatMiniprogram.RequestFailCallbackErr>(option, outcome)?.catch(() => {})
  return transfer.task as unknown as WechatMiniprogram.RequestTask
}
