/** Types of scripts/chromium.mjs for the TypeScript browser tests. */
export declare const CHROMIUM_ARGS: string[];
export declare function chromiumOptions<T extends object = object>(
  extra?: T,
): { executablePath: string; headless: boolean; viewport: { width: number; height: number }; args: string[] } & T;
