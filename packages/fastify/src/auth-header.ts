import type { FastifyRequest } from 'fastify'

export type TokenReader = (request: FastifyRequest) => string | undefined

// A token is 43 characters; anything far longer is not worth parsing.
const MAX_HEADER_LENGTH = 512

/** Reads the token from `header` ("<scheme> <token>", or the bare token). */
export function tokenReader (header: string, scheme: string): TokenReader {
  const schemePrefix = scheme === '' ? '' : `${scheme.toLowerCase()} `
  return function readToken (request) {
    const value = request.headers[header]
    if (typeof value !== 'string' || value.length > MAX_HEADER_LENGTH) return undefined
    const trimmed = value.trim()
    if (schemePrefix === '') return trimmed === '' ? undefined : trimmed
    if (trimmed.slice(0, schemePrefix.length).toLowerCase() !== schemePrefix) return undefined
    const token = trimmed.slice(schemePrefix.length).trim()
    return token === '' ? undefined : token
  }
}
