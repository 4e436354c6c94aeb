import { randomUUID } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, extname, join } from 'node:path'
import { fail, settle } from './async-api.js'
import { fromHeaders, openTransfer, toHeaders } from './transport.js'

/**
 * wx.uploadFile: reads `filePath` from disk and POSTs it as multipart/form-data
 * under `name`, with `formData` as extra fields. `data` in the result is the
 * response body as a string, as wx gives it.
 */
export function uploadFile (option: WechatMiniprogram.UploadFileOption): WechatMiniprogram.UploadTask {
  const transfer = openTransfer('uploadFile', option.timeout)
  const outcome = (async () => {
    try {
      let content: Buffer
      try {
        content = await readFile(option.filePath)
      } catch {
        throw fail(`uploadFile:fail file not found: ${option.filePath}`)
      }
      const form = new FormData()
      for (const [key, value] of Object.entries(option.formData ?? {})) {
        form.append(key, typeof value === 'string' ? value : JSON.stringify(value))
      }
      form.append(option.name, new Blob([new Uint8Array(content)]), basename(option.filePath))
      // fetch sets the multipart boundary itself; a content-type from the caller would break it.
      const header = toHeaders(option.header)
      for (const key of Object.keys(header)) {
        if (key.toLowerCase() === 'content-type') delete header[key]
      }
      const res = await transfer.fetch(option.url, { method: 'POST', headers: header, body: form })
      const data = await transfer.read(res.text())
      return { statusCode: res.status, data, errMsg: 'uploadFile:ok' } as WechatMiniprogram.UploadFileSuccessCallbackResult
    } finally {
      transfer.done()
    }
  })()
  settle(option, outcome)?.catch(() => {})
  return transfer.task as unknown as WechatMiniprogram.UploadTask
}

/**
 * wx.downloadFile: GETs `url` and writes the body to a temporary file (or to
 * `filePath` when given). Any HTTP status is a success with `statusCode`.
 */
export function downloadFile (option: WechatMiniprogram.DownloadFileOption): WechatMiniprogram.DownloadTask {
  const transfer = openTransfer('downloadFile', option.timeout)
  const outcome = (async () => {
    try {
      const res = await transfer.fetch(option.url, { method: 'GET', headers: toHeaders(option.header) })
      const body = await transfer.read(res.arrayBuffer())
      const ext = extname(new URL(option.url).pathname)
      const tempFilePath = option.filePath ?? join(tmpdir(), `wx-download-${randomUUID()}${ext}`)
      try {
        await writeFile(tempFilePath, new Uint8Array(body))
      } catch (err) {
        throw fail(`downloadFile:fail ${(err as Error).message}`)
      }
      const result = { statusCode: res.status, tempFilePath, header: fromHeaders(res.headers), errMsg: 'downloadFile:ok' }
      return (option.filePath === undefined ? result : { ...result, filePath: option.filePath }) as unknown as WechatMiniprogram.DownloadFileSuccessCallbackResult
    } finally {
      transfer.done()
    }
  })()
  settle(option, outcome)?.catch(() => {})
  return transfer.task as unknown as WechatMiniprogram.DownloadTask
}
