// The bench (src/bench/server.ts) runs @fastify/jwt next to wx-login, and a
// type augmentation holds for the whole program: so the demo gives
// wx-login's user a name of its own everywhere, leaving request.user to
// @fastify/jwt, at run time and in the types alike.
declare module '@wx-login/fastify' {
  interface WxLoginTypes {
    decoratorName: 'wxUser'
  }
}

export const decoratorName = 'wxUser'
