/** `base` + `url` unless `url` is absolute. String joins only: mini programs have no URL class everywhere. */
export function resolveURL (base: string, url: string): string {
  return /^[a-z][a-z\d+.-]*:\/\//i.test(url) ? url : base + '/' + url.replace(/^\/+/, '')
}

/** Whether `url` is on `base` (so it may carry the token): same prefix, then a path, query or nothing. */
export function isUnder (base: string, url: string): boolean {
  return url.slice(0, base.length) === base && '/?#'.indexOf(url.charAt(base.length)) >= 0
}
