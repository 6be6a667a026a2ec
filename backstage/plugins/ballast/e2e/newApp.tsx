/** A new-frontend-system app: `createApp` with the catalog and the Ballast plugin's `/alpha` entry. */
import '@backstage/ui/css/styles.css';
import ReactDOM from 'react-dom/client';
import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import ballastPlugin from '@ballast/backstage-plugin-ballast/alpha';
import { appConfig } from './appConfig';

const app = createApp({
  features: [catalogPlugin, ballastPlugin],
  advanced: { configLoader: async () => ({ config: appConfig() }) },
});

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
