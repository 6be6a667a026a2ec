export default async function globalTeardown() {
  await globalThis.__ballast?.stop();
}
