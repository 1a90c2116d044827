/** Runs `f` with these environment variables set (or unset, for `undefined`), then restores them. */
export const withEnv = async <A>(vars: Record<string, string | undefined>, f: () => A | Promise<A>): Promise<A> => {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]))
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
  apply(vars)
  try {
    return await f()
  } finally {
    apply(saved)
  }
}
