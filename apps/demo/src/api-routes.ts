import type { FastifyPluginAsync } from 'fastify'

/** The demo's own API: a public route, a protected one, and a server-side revoke for the playground. */
export const apiRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/ping', async () => ({ ok: true }))

  app.get('/api/me', { onRequest: app.wxLogin.authenticate }, async (request) => request.wxUser)

  // Revokes the caller's token on the server while the client keeps it: its
  // next request meets a 401 and the client logs in again on its own.
  app.post('/api/demo/revoke', { onRequest: app.wxLogin.authenticate }, async (request, reply) => {
    const token = (request.headers.authorization ?? '').replace(/^Bearer\s+/i, '')
    await app.wxLogin.revoke(token)
    return reply.code(204).send()
  })
}
