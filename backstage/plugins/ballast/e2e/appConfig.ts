/**
 * The config both test apps run with: read from the page (the test server writes it into
 * index.html), as a real app reads the config its server injects.
 */
import { ConfigReader } from '@backstage/config';

declare global {
  interface Window {
    __BALLAST_APP_CONFIG__: { app: { baseUrl: string; title: string }; backend: { baseUrl: string } };
  }
}

export const appConfigs = () => [{ context: 'test-server', data: window.__BALLAST_APP_CONFIG__ }];
export const appConfig = () => ConfigReader.fromConfigs(appConfigs());
