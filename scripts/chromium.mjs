// How every browser test and bench starts Debian's chromium with playwright-core: headless, no sandbox
// (root in CI), and none of the background connections this machine's closed network refuses.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Options for `chromium.launch` / `launchPersistentContext`; CHROMIUM_PATH overrides the binary. */
export function chromiumOptions(extra = {}) {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: CHROMIUM_ARGS,
    ...extra,
  };
}
