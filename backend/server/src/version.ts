/** Reported by /health and OpenAPI; set from the package at build time when bundled. */
export const VERSION: string = process.env.BALLAST_VERSION_OVERRIDE ?? '0.1.0';
