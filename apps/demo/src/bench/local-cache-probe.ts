// The plugin does not expose its in-process cache; the bench reads its size
// by finding the instance through the class's prototype. Bench-only: it loads
// the very module file the plugin loaded (same URL, same class), catches the
// first instance that stores a session, then puts the method back.

interface LocalCacheShape { readonly size: number, set (...args: unknown[]): void }
interface LocalCacheClass { prototype: LocalCacheShape }

export async function watchLocalCache (): Promise<{ size (): number }> {
  const entry = import.meta.resolve('@wx-login/fastify')
  const module = await import(new URL('./store/local-cache.js', entry).href) as { LocalSessionCache: LocalCacheClass }
  const proto = module.LocalSessionCache.prototype
  const original = proto.set
  const found: { instance?: LocalCacheShape } = {}
  proto.set = function (this: LocalCacheShape, ...args: unknown[]) {
    found.instance = this
    proto.set = original
    original.apply(this, args)
  }
  return { size: () => found.instance?.size ?? 0 }
}
