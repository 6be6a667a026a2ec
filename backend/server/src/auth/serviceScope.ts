import picomatch from 'picomatch';

/** A key's service scope: which services its writes and actions may name. */
export function serviceScope(globs: readonly string[]): (service: string | undefined) => boolean {
  if (globs.includes('*')) return () => true;
  const matchers = globs.map((g) => picomatch(g, { dot: true }));
  // A scoped key may not write tenant-wide events (no service): they would reach every team.
  return (service) => service !== undefined && matchers.some((m) => m(service));
}
